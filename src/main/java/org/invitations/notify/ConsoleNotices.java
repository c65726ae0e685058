package org.invitations.notify;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.report.RunSummary;

/**
 * The notices of the console: when a run a person launched there ends, they find it said
 * on their next page, in their words ("Run 3 of 'demo' completed: 24 invitations sent, 2
 * skipped, 8 rejected"), until they dismiss it.
 */
@Repository
public class ConsoleNotices {

	private static final String CONSOLE = "console:";

	private final JdbcTemplate jdbc;

	public ConsoleNotices(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** One notice, for the execution it tells of. */
	public record Notice(long id, long executionId, Instant at, String text) {
	}

	/**
	 * Tells the console user who launched the run how it ended; a launch by anyone else
	 * (an API key, the command line, a schedule) has nobody to tell here.
	 */
	void ended(String actor, RunSummary summary, RunOutcome outcome) {
		if (!actor.startsWith(CONSOLE)) {
			return;
		}
		jdbc.update("INSERT INTO console_notice (user_name, job_execution_id, text) VALUES (?, ?, ?)",
				actor.substring(CONSOLE.length()), summary.execution().id(), text(summary, outcome));
	}

	/** The user's notices not dismissed yet, newest first. */
	public List<Notice> unread(String user) {
		return jdbc.query("""
				SELECT id, job_execution_id, at, text FROM console_notice
				WHERE user_name = ? AND dismissed_at IS NULL ORDER BY id DESC LIMIT 20
				""",
				(rs, n) -> new Notice(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4)),
				user);
	}

	/** Dismisses one of the user's notices; another's is left alone. */
	public void dismiss(long id, String user) {
		jdbc.update("UPDATE console_notice SET dismissed_at = now() WHERE id = ? AND user_name = ?", id, user);
	}

	static String text(RunSummary summary, RunOutcome outcome) {
		boolean dryRun = summary.execution().dryRun();
		String what = switch (summary.kind()) {
			case "expiry" -> "Expiry run";
			case "resend" -> dryRun ? "Dry run of a resend" : "Resend";
			default -> dryRun ? "Dry run" : "Run";
		};
		String ended = switch (outcome) {
			case COMPLETED -> "completed";
			case FAILED -> "failed";
			case STOPPED -> "stopped";
			case PAUSED -> "paused by the mail server";
		};
		String counts = summary.outcomes().stream().map(ConsoleNotices::count).collect(Collectors.joining(", "));
		return what + " " + (summary.execution().run() == null ? "" : summary.execution().run() + " ") + "of '"
				+ summary.specName() + "' " + ended + (counts.isEmpty() ? "" : ": " + counts)
				+ (dryRun && outcome == RunOutcome.COMPLETED ? ". Review it and send" : "");
	}

	private static String count(OutcomeCount outcome) {
		long n = outcome.count();
		return switch (outcome.outcome()) {
			case "SENT" -> n + (n == 1 ? " invitation" : " invitations") + " sent";
			case "WOULD_SEND" -> n + " would be sent";
			case "QUEUED" -> n + " waiting to be sent";
			case "FAILED" -> n + " not delivered";
			case "DEFERRED" -> n + " delayed";
			case "EXPIRED" -> n + " expired";
			default -> n + " " + outcome.outcome().toLowerCase(Locale.ROOT);
		};
	}

}
