package org.invitations.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

import org.invitations.run.RunContext;

/** Per-item job report rows: written with the items they describe, read by the report command. */
@Repository
public class ReportRepository {

	private final JdbcTemplate jdbc;

	public ReportRepository(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** One statement per chunk: its rows travel as one array per column. */
	public void insert(RunContext run, List<ReportItem> items) {
		if (items.isEmpty()) {
			return;
		}
		int n = items.size();
		Long[] itemNumbers = new Long[n];
		Long[] lines = new Long[n];
		String[] emails = new String[n];
		String[] normalized = new String[n];
		Long[] personIds = new Long[n];
		Long[] invitationIds = new Long[n];
		String[] kinds = new String[n];
		String[] outcomes = new String[n];
		String[] reasons = new String[n];
		String[] details = new String[n];
		for (int i = 0; i < n; i++) {
			ReportItem item = items.get(i);
			itemNumbers[i] = item.itemNumber();
			lines[i] = item.line();
			emails[i] = item.email();
			normalized[i] = item.emailNormalized();
			personIds[i] = item.personId();
			invitationIds[i] = item.invitationId();
			kinds[i] = item.kind() == null ? null : item.kind().name();
			outcomes[i] = item.outcome();
			reasons[i] = item.reason();
			details[i] = item.detail();
		}
		jdbc.update("""
				INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, source_line, email,
				       email_normalized, person_id, invitation_id, kind, outcome, reason, detail)
				SELECT ?, ?, t.* FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],
				       ?::text[], ?::text[], ?::text[], ?::text[]) AS t
				""", run.jobInstanceId(), run.jobExecutionId(), itemNumbers, lines, emails, normalized, personIds,
				invitationIds, kinds, outcomes, reasons, details);
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
