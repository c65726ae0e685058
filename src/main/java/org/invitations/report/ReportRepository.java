package org.invitations.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

import org.invitations.invitation.ReportItem;
import org.invitations.invitation.ReportOutcome;
import org.invitations.invitation.ReportRows;
import org.invitations.invitation.RunRef;
import org.invitations.run.RunContext;

/**
 * Per-item job report rows: written with the items they describe (by {@link ReportRows}),
 * read here.
 */
@Repository
public class ReportRepository {

	private final JdbcTemplate jdbc;

	public ReportRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Writes a chunk's rows, in one statement, through their one writer
	 * ({@link ReportRows}).
	 */
	public void insert(RunContext run, List<ReportItem> items) {
		new ReportRows(jdbc).insert(new RunRef(run.jobInstanceId(), run.jobExecutionId(), run.actor()), items);
	}

	/**
	 * Where each of these addresses first appeared in the instance (line, or item number
	 * for groups).
	 */
	public Map<String, Long> itemsFor(long jobInstanceId, List<String> emailsNormalized) {
		Map<String, Long> found = new HashMap<>();
		if (emailsNormalized.isEmpty()) {
			return found;
		}
		jdbc.query("""
				SELECT email_normalized, coalesce(source_line, item_number) AS at FROM job_report_item
				WHERE job_instance_id = ? AND email_normalized = ANY(?) AND outcome <> ?
				""", (RowCallbackHandler) rs -> found.put(rs.getString(1), rs.getLong(2)), jobInstanceId,
				emailsNormalized.toArray(String[]::new), ReportOutcome.REJECTED.dbValue());
		return found;
	}

}
