package org.invitations.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;
import org.invitations.lifecycle.SuppressionList;

/**
 * {@code suppress}: the addresses no run invites again, as the console's Suppressed page
 * keeps them.
 */
@Command(name = "suppress", mixinStandardHelpOptions = true,
		description = { "Lists the suppressed addresses (no run, resend or reminder sends to them), adds one with a",
				"reason, or lifts one so that runs may invite it again. A lifted entry stays in the database",
				"with who lifted it and when." })
class SuppressCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
		.withZone(ZoneOffset.UTC);

	/** What to do with the list. */
	enum Action {

		LIST, ADD, REMOVE

	}

	@Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "LIST",
			description = "list (default), add or remove")
	Action action;

	@Parameters(index = "1", arity = "0..1", paramLabel = "EMAIL", description = "the address, for add and remove")
	String email;

	@Option(names = "--reason", paramLabel = "TEXT", description = "why it is not to be invited; required by add")
	String reason;

	@Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}",
			description = "who adds or lifts it (default: the OS user)")
	String by;

	@Option(names = "--limit", paramLabel = "N", defaultValue = "100",
			description = "list: at most this many, newest first (default 100)")
	int limit;

	@Override
	public Integer call() {
		String verb = action.name().toLowerCase(Locale.ROOT);
		if (action != Action.LIST && email == null) {
			throw usage("suppress " + verb + " needs the EMAIL address");
		}
		if (action == Action.LIST && email != null) {
			throw usage("suppress list takes no address: it lists them all");
		}
		if (action != Action.ADD && reason != null) {
			throw usage("--reason applies only to suppress add");
		}
		if (action == Action.ADD && (reason == null || reason.isBlank())) {
			throw usage("suppress add needs --reason TEXT: why this address is not to be invited");
		}
		if (limit < 1) {
			throw usage("--limit must be at least 1, not " + limit);
		}
		SuppressionList list = bean(SuppressionList.class);
		String actor = "operator:" + by;
		switch (action) {
			case ADD -> {
				Suppressions.Added added;
				try {
					added = list.add(email, reason, "command line", actor);
				}
				catch (IllegalArgumentException ex) {
					err().println("error: " + ex.getMessage());
					return InvitationsCommand.BAD_INPUT;
				}
				out().println(added.added()
						? added.entry().email()
								+ " suppressed: no run, resend or reminder sends to it until it is lifted"
						: added.entry().email() + " is " + added.entry().describe() + "; nothing changed");
			}
			case REMOVE -> {
				Optional<Suppression> lifted = list.lift(email, actor);
				if (lifted.isEmpty()) {
					throw notFound(email.strip() + " is not suppressed");
				}
				out().println(lifted.get().email() + " lifted: runs may invite it again (it was "
						+ lifted.get().describe() + ")");
			}
			default -> list(list);
		}
		return 0;
	}

	private void list(SuppressionList list) {
		var out = out();
		out.printf("%-32s %-11s %-17s %-20s %s%n", "ADDRESS", "REASON", "SINCE", "BY", "DETAIL");
		for (Suppression entry : list.page(null, null, limit)) {
			out.printf("%-32s %-11s %-17s %-20s %s (%s)%n", entry.email(), entry.reason().name(),
					TIME.format(entry.since()), entry.by(), entry.detail(), entry.source());
		}
	}

}
