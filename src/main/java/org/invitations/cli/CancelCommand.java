package org.invitations.cli;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.invitation.InvitationStatus;
import org.invitations.invitation.InvitationStore;
import org.invitations.lifecycle.InvitationAdmin;
import org.invitations.run.BatchMetadata;

/**
 * {@code cancel}: revokes one invitation or every open invitation of a run; the links
 * stop working at once.
 */
@Command(name = "cancel", mixinStandardHelpOptions = true,
		description = "Cancels open invitations: their links stop working at once; the history records who and why.")
class CancelCommand extends Subcommand implements Callable<Integer> {

	@ArgGroup(exclusive = true, multiplicity = "1")
	Target target;

	static class Target {

		@Option(names = "--invitation", paramLabel = "ID", description = "one invitation")
		Long invitation;

		@Option(names = "--execution", paramLabel = "ID", description = "every open invitation of that execution's run")
		Long execution;

	}

	@Option(names = "--reason", required = true, description = "why, for the history")
	String reason;

	@Option(names = "--by", defaultValue = "${sys:user.name}", description = "who cancels (default: the OS user)")
	String by;

	@Option(names = "--suppress",
			description = "also stop future invitations to the cancelled invitations' addresses (see suppress)")
	boolean suppress;

	@Override
	public Integer call() {
		InvitationAdmin admin = bean(InvitationAdmin.class);
		if (target.invitation != null && !admin.exists(target.invitation)) {
			throw notFound("no invitation " + target.invitation);
		}
		JdbcTemplate jdbc = bean(JdbcTemplate.class);
		Long instance = null;
		if (target.execution != null) {
			instance = bean(BatchMetadata.class).instanceOf(target.execution)
				.orElseThrow(() -> notFound("no job execution " + target.execution));
		}
		InvitationStore.Cancelled done = admin.cancel(target.invitation, target.execution, "operator:" + by, reason,
				suppress);
		int cancelled = done.cancelled();
		out().println(cancelled + " invitation" + (cancelled == 1 ? "" : "s") + " cancelled"
				+ (cancelled == 0 ? ": " + whyNone(jdbc, instance) : "")
				+ (suppress && cancelled > 0
						? "; " + done.suppressed() + " address" + (done.suppressed() == 1 ? "" : "es") + " suppressed"
						: ""));
		return 0;
	}

	/**
	 * Only open invitations can be cancelled: says what the asked-for ones are instead.
	 */
	private String whyNone(JdbcTemplate jdbc, Long instance) {
		if (instance == null) {
			String status = jdbc.queryForObject(
					"SELECT " + InvitationStatus.shownSql("i") + " FROM invitation i WHERE id = ?", String.class,
					target.invitation);
			return "invitation " + target.invitation + " is " + switch (status) {
				case "ACCEPTED" -> "accepted: its link has been used";
				case "CANCELLED" -> "cancelled already";
				case "EXPIRED" -> "expired: its link no longer works";
				case "FAILED" -> "failed: the mail server refused it, its link was revoked";
				case "SKIPPED" -> "skipped: it was never sent";
				case "BOUNCED" -> "undeliverable: the address bounced, its link no longer works";
				default -> status.toLowerCase(Locale.ROOT);
			};
		}
		Map<String, Long> byStatus = new TreeMap<>();
		jdbc.query(
				"SELECT " + InvitationStatus.shownSql("i")
						+ ", count(*) FROM invitation i WHERE job_instance_id = ? GROUP BY 1",
				(RowCallbackHandler) rs -> byStatus.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getLong(2)),
				instance);
		if (byStatus.isEmpty()) {
			return "execution " + target.execution + "'s run made no invitations";
		}
		return "execution " + target.execution + "'s run has no open invitations ("
				+ byStatus.entrySet()
					.stream()
					.map(entry -> entry.getValue() + " " + entry.getKey())
					.collect(Collectors.joining(", "))
				+ ")";
	}

}
