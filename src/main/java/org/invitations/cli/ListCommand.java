package org.invitations.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.invitations.lifecycle.InvitationAdmin;

/** {@code list}: invitations by status, job and address, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists invitations, newest first.")
class ListCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
		.withZone(ZoneOffset.UTC);

	@Option(names = "--status",
			description = "pending (sent, unexpired), open, or a status: QUEUED, SENDING, SENT, DEFERRED, FAILED, ACCEPTED,"
					+ " EXPIRED, CANCELLED, SKIPPED, BOUNCED (undeliverable)")
	String status;

	@Option(names = "--job", paramLabel = "SPEC-NAME", description = "invitations made by runs of this spec name")
	String job;

	@Option(names = "--execution", paramLabel = "ID", description = "invitations made by that execution's run")
	Long execution;

	@Option(names = "--email", description = "one person's invitations")
	String email;

	@Option(names = "--limit", defaultValue = "100", description = "at most this many (default ${DEFAULT-VALUE})")
	int limit;

	/** What --status accepts, in the order the help lists them. */
	static final java.util.List<String> STATUSES = org.invitations.lifecycle.InvitationSearch.STATUSES;

	@Override
	public Integer call() {
		if (status != null && STATUSES.stream().noneMatch(status::equalsIgnoreCase)) {
			throw usage("--status '" + status + "' is not one of " + String.join(", ", STATUSES));
		}
		var out = out();
		out.printf("%-10s %-36s %-15s %-9s %-16s %-8s %-18s %-18s%n", "ID", "EMAIL", "KIND", "STATUS", "JOB",
				"ATTEMPTS", "SENT", "EXPIRES");
		bean(InvitationAdmin.class).list(status, job, email, execution, limit,
				row -> out.printf("%-10d %-36s %-15s %-9s %-16s %-8d %-18s %-18s%n", row.id(), row.email(), row.kind(),
						row.status(), row.spec(), row.attempts(), row.sentAt() == null ? "" : TIME.format(row.sentAt()),
						row.expiresAt() == null ? "" : TIME.format(row.expiresAt())));
		return 0;
	}

}
