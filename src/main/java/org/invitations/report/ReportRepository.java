package org.invitations.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

import org.invitations.job.RunContext;

/** Per-item job report rows: written with the items they describe, read by the report command. */
@Repository
public class ReportRepository {

	private final JdbcTemplate jdbc;

	public ReportRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(RunContext run, List<ReportItem> items) {
		jdbc.batchUpdate("""
				INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, source_line, email,
				       email_normalized, person_id, invitation_id, kind, outcome, reason, detail)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				""", items, 500, (ps, item) -> {
			ps.setLong(1, run.jobInstanceId());
			ps.setLong(2, run.jobExecutionId());
			ps.setLong(3, item.itemNumber());
			ps.setObject(4, item.line());
			ps.setString(5, item.email());
			ps.setString(6, item.emailNormalized());
			ps.setObject(7, item.personId());
			ps.setObject(8, item.invitationId());
			ps.setString(9, item.kind() == null ? null : item.kind().name());
			ps.setString(10, item.outcome());
			ps.setString(11, item.reason());
			ps.setString(12, item.detail());
		});
	}

	/** Where each of these addresses first appeared in the instance (line, or item number for groups). */
	public Map<String, Long> itemsFor(long jobInstanceId, List<String> emailsNormalized) {
		Map<String, Long> found = new HashMap<>();
		if (emailsNormalized.isEmpty()) {
			return found;
		}
		jdbc.query("""
				SELECT email_normalized, coalesce(source_line, item_number) AS at FROM job_report_item
				WHERE job_instance_id = ? AND email_normalized = ANY(?) AND outcome <> 'REJECTED'
				""", (RowCallbackHandler) rs -> found.put(rs.getString(1), rs.getLong(2)), jobInstanceId,
				emailsNormalized.toArray(String[]::new));
		return found;
	}

}
