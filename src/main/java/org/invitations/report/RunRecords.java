package org.invitations.report;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Who launched each execution, and the notifications sent when it ended: shown by status
 * and report.
 */
@Repository
public class RunRecords {

	private final JdbcTemplate jdbc;

	public RunRecords(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One notification, as attempted.
	 *
	 * @param channel EMAIL or WEBHOOK
	 * @param target the addresses or the URL
	 * @param status SENT or FAILED
	 * @param detail the server's reply, or why it failed
	 */
	public record Notification(String channel, String target, String status, String detail, Instant at) {

		public boolean failed() {
			return status.equals("FAILED");
		}

	}

	public void launched(long executionId, String by, String host) {
		jdbc.update("""
				INSERT INTO execution_launch (job_execution_id, launched_by, host) VALUES (?, ?, ?)
				ON CONFLICT (job_execution_id) DO NOTHING
				""", executionId, by, host);
	}

	/**
	 * {@code user@host} for a run launched from a command line or a schedule,
	 * {@code console:alice on host} (or {@code api:crm on host}) for one launched in the
	 * console or through the API, or {@code null} for an execution launched before this
	 * was recorded.
	 */
	public String launchedBy(long executionId) {
		List<String> by = jdbc.queryForList("""
				SELECT launched_by || CASE WHEN launched_by ~ '^(console|api):' THEN ' on ' ELSE '@' END || host
				FROM execution_launch WHERE job_execution_id = ?
				""", String.class, executionId);
		return by.isEmpty() ? null : by.get(0);
	}

	public void notified(long executionId, String channel, String target, boolean sent, String detail) {
		jdbc.update("""
				INSERT INTO execution_notification (job_execution_id, channel, target, status, detail)
				VALUES (?, ?, ?, ?, ?)
				""", executionId, channel, target, sent ? "SENT" : "FAILED", detail);
	}

	public List<Notification> notifications(long executionId) {
		return jdbc.query("""
				SELECT channel, target, status, detail, at FROM execution_notification
				WHERE job_execution_id = ? ORDER BY id
				""", (rs, n) -> new Notification(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
				instant(rs.getTimestamp(5))), executionId);
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
