package org.invitations.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.role.Roles;

/**
 * {@code roles}: the roles specs may grant; a role is added here before any spec names
 * it.
 */
@Command(name = "roles", mixinStandardHelpOptions = true,
		description = { "Lists the roles a spec may grant, adds one (with a description) or removes one.",
				"A spec naming a role that does not exist is refused. A role that people hold",
				"or that an open invitation grants is not removed." })
class RolesCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

	/** What to do with the roles. */
	enum Action {

		LIST, ADD, REMOVE

	}

	@Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "LIST",
			description = "list (default), add or remove")
	Action action;

	@Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "the role, for add and remove")
	String name;

	@Option(names = "--description", paramLabel = "TEXT", description = "what the role is for; required by add")
	String description;

	@Override
	public Integer call() {
		if (action != Action.LIST && name == null) {
			throw usage("roles " + action.name().toLowerCase(java.util.Locale.ROOT) + " needs the role's NAME");
		}
		if (action != Action.ADD && description != null) {
			throw usage("--description applies only to roles add");
		}
		if (action == Action.ADD && description == null) {
			throw usage("roles add needs --description TEXT: what the role is for");
		}
		Roles roles = bean(Roles.class);
		try {
			switch (action) {
				case ADD -> {
					roles.add(name, description);
					out().println("Role '" + name + "' added");
				}
				case REMOVE -> {
					roles.remove(name);
					out().println("Role '" + name + "' removed");
				}
				default -> list(roles);
			}
		}
		catch (Roles.RoleException ex) {
			if (ex.isNotFound()) {
				throw notFound(ex.getMessage());
			}
			err().println("error: " + ex.getMessage());
			return InvitationsCommand.BAD_INPUT;
		}
		return 0;
	}

	private void list(Roles roles) {
		var out = out();
		out.printf("%-20s %-10s %8s %8s  %s%n", "ROLE", "ADDED", "GRANTED", "OPEN", "DESCRIPTION");
		for (Roles.Role role : roles.list()) {
			out.printf("%-20s %-10s %8d %8d  %s%n", role.name(), DAY.format(role.createdAt()), role.granted(),
					role.openInvitations(), role.description());
		}
	}

}
