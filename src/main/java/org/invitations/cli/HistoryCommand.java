package org.invitations.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import org.invitations.lifecycle.InvitationAdmin;

/**
 * {@code history EMAIL|ID}: every state change of a person's invitations, or of one
 * invitation.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
		description = "Every state change of a person's invitations (by address) or of one invitation (by id), in order.")
class HistoryCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	@Parameters(paramLabel = "EMAIL|ID")
	String key;

	@Override
	public Integer call() {
		List<InvitationAdmin.Event> events = bean(InvitationAdmin.class).history(key);
		if (events.isEmpty()) {
			throw notFound("no invitation for " + key);
		}
		var out = out();
		out.printf("%-10s %-24s %-14s %-28s %s%n", "INVITATION", "AT", "EVENT", "ACTOR", "DETAIL");
		for (InvitationAdmin.Event e : events) {
			out.printf("%-10d %-24s %-14s %-28s %s%n", e.invitationId(), TIME.format(e.at()), e.type(), e.actor(),
					e.detail() == null ? "" : e.detail().replaceAll("\\p{Cntrl}", "?"));
		}
		return 0;
	}

}
