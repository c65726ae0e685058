package org.invitations.invitation;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.run.BatchMetadata;

/**
 * The one writer of report rows ({@code job_report_item}): inserted a chunk at a time by
 * the steps that decide an item's fate, then updated by invitation as its message is
 * refused, recovered or abandoned, or sent in a way its invitation row does not tell all
 * of (a plain send's row stays QUEUED: {@code job_report_row} reads it as SENT, V48).
 * Each call is one statement however many rows it carries, and the same statement adds
 * what it changed to the run's totals ({@code job_report_total}, V29): one row per
 * outcome and reason it moved, never updated, so chunks never wait for each other.
 * (Triggers kept them in V26; their transition tables copied every row a chunk wrote, a
 * cost the bulk job paid per person.)
 */
public class ReportRows {

	/**
	 * A run's report rows counted by outcome and reason (empty for none), given its job
	 * instance: from the totals kept beside them, not from the rows.
	 */
	public static final String TOTALS = """
			SELECT outcome, coalesce(reason, ''), sum(items) FROM job_report_total
			WHERE job_instance_id = ? GROUP BY 1, 2 HAVING sum(items) <> 0 ORDER BY 1, 2
			""";

	private final JdbcTemplate jdbc;

	public ReportRows(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** One statement per chunk: its rows travel as one array per column. */
	public void insert(RunRef run, List<ReportItem> items) {
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
			// Written as normalised, the address is stored once: job_report_row reads
			// it from the normalised form (V49).
			normalized[i] = item.emailNormalized();
			emails[i] = normalized[i] != null && normalized[i].equals(item.email()) ? null : item.email();
			personIds[i] = item.personId();
			invitationIds[i] = item.invitationId();
			kinds[i] = item.kind() == null ? null : item.kind().name();
			outcomes[i] = item.outcome().dbValue();
			reasons[i] = item.reason() == null ? null : item.reason().dbValue();
			details[i] = item.detail();
		}
		jdbc.update(
				"""
						WITH t AS (SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],
						                                ?::text[], ?::text[], ?::text[], ?::text[])
						               AS t(item_number, source_line, email, email_normalized, person_id, invitation_id, kind,
						                    outcome, reason, detail)),
						added AS (INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, source_line,
						                                       email, email_normalized, person_id, invitation_id, kind, outcome,
						                                       reason, detail)
						          SELECT ?, ?, t.* FROM t)
						INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
						SELECT ?, outcome, reason, count(*) FROM t GROUP BY outcome, reason
						""",
				itemNumbers, lines, emails, normalized, personIds, invitationIds, kinds, outcomes, reasons, details,
				run.jobInstanceId(), run.jobExecutionId(), run.jobInstanceId());
	}

	/**
	 * A row at the end of the instance's report, numbered after the last (a reminder: one
	 * invitation, not an input item). It names the address without its normalized form: a
	 * person reminded of two kinds appears twice.
	 */
	void append(RunRef run, long invitationId, long personId, String email, String kind, ReportOutcome outcome,
			@Nullable Reason reason, String detail) {
		jdbc.update(
				"""
						WITH added AS (
						    INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, email, person_id,
						                                 invitation_id, kind, outcome, reason, detail)
						    SELECT ?, ?, coalesce(max(item_number), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM job_report_item WHERE job_instance_id = ?
						    RETURNING job_instance_id, outcome, reason)
						INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
						SELECT job_instance_id, outcome, reason, 1 FROM added
						""",
				run.jobInstanceId(), run.jobExecutionId(), email, personId, invitationId, kind, outcome.dbValue(),
				reason == null ? null : reason.dbValue(), detail, run.jobInstanceId());
	}

	/**
	 * What became of these invitations, in their rows of this instance's report.
	 * <p>
	 * Each report row is looked up through its invitation, one by one (a lateral subquery
	 * PostgreSQL cannot flatten; "+ 0" keeps the run's own index out of it), then updated
	 * by its key. Statistics never know the rows of a run under way: as a plain join,
	 * PostgreSQL chose to read every row of the run so far for each chunk, through the
	 * run's index or through the invitations' (2 s per chunk at 20,000 rows, growing),
	 * instead of 12 ms this way.
	 * @param execution the execution the rows are recorded by, or {@code null} to keep
	 * theirs
	 */
	void update(long instance, @Nullable Long execution, Long[] ids, String[] outcomes, String[] reasons,
			String[] details) {
		if (ids.length == 0) {
			return;
		}
		jdbc.update(
				moved("""
						WITH found AS (
						    SELECT hit.job_instance_id, hit.item_number, hit.outcome AS was, hit.reason AS was_reason,
						           t.outcome, t.reason, t.detail
						    FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS t(id, outcome, reason, detail)
						    CROSS JOIN LATERAL (SELECT x.job_instance_id, x.item_number, x.outcome, x.reason FROM job_report_item x
						                        WHERE x.invitation_id = t.id AND x.job_instance_id + 0 = ? LIMIT 1) AS hit)
						UPDATE job_report_item r SET outcome = f.outcome, reason = f.reason, detail = f.detail,
						       job_execution_id = coalesce(?::bigint, r.job_execution_id), updated_at = now()
						FROM found f WHERE r.job_instance_id = f.job_instance_id AND r.item_number = f.item_number
						RETURNING r.job_instance_id, r.outcome, r.reason, f.was, f.was_reason
						"""),
				ids, outcomes, reasons, details, instance, execution);
	}

	/**
	 * Moves {@code sent} rows of the instance's totals from QUEUED to SENT: those of
	 * messages the invitation row tells all of, whose rows stay QUEUED and are read as
	 * SENT from it ({@code job_report_row}, V48).
	 */
	void sentAsQueued(long instance, int sent) {
		if (sent == 0) {
			return;
		}
		jdbc.update("""
				INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
				VALUES (?, 'QUEUED', NULL, ?), (?, 'SENT', NULL, ?)
				""", instance, -sent, instance, sent);
	}

	/**
	 * The rows an abandoned run leaves QUEUED: FAILED IN_DOUBT_CANCELLED for those whose
	 * message may have been on its way, SKIPPED RUN_ABANDONED for the rest.
	 */
	void abandon(long instance, Long[] inDoubt) {
		jdbc.update(
				moved("""
						WITH found AS (
						    SELECT job_instance_id, item_number, outcome AS was, reason AS was_reason FROM job_report_item
						    WHERE job_instance_id = ? AND outcome = 'QUEUED' AND invitation_id = ANY(?) FOR UPDATE)
						UPDATE job_report_item r SET outcome = 'FAILED', reason = ?,
						       detail = 'the run was abandoned while its message was on its way: it may have arrived; its link is revoked',
						       updated_at = now()
						FROM found f WHERE r.job_instance_id = f.job_instance_id AND r.item_number = f.item_number
						RETURNING r.job_instance_id, r.outcome, r.reason, f.was, f.was_reason
						"""),
				instance, inDoubt, DeliveryReason.IN_DOUBT_CANCELLED.dbValue());
		jdbc.update(
				moved("""
						WITH found AS (
						    SELECT r.job_instance_id, r.item_number, r.outcome AS was, r.reason AS was_reason
						    FROM job_report_item r JOIN job_report_row v USING (job_instance_id, item_number)
						    WHERE r.job_instance_id = ? AND v.outcome = 'QUEUED' FOR UPDATE OF r)
						UPDATE job_report_item r SET outcome = 'SKIPPED', reason = ?, detail = 'not sent: the run was abandoned',
						       updated_at = now()
						FROM found f WHERE r.job_instance_id = f.job_instance_id AND r.item_number = f.item_number
						RETURNING r.job_instance_id, r.outcome, r.reason, f.was, f.was_reason
						"""),
				instance, SkipReason.RUN_ABANDONED.dbValue());
	}

	/**
	 * An update of report rows that returns each row's instance, new outcome and reason,
	 * and old ones ({@code was}, {@code was_reason}), as one statement that also adds the
	 * difference to the totals. The old values are those the statement read: a run's rows
	 * are written by the execution that claimed their invitations, one chunk at a time,
	 * so no other transaction changes them meanwhile. Locking them first would write each
	 * row twice; only an abandon, which is rare, reads its rows {@code FOR UPDATE}.
	 */
	private static String moved(String updateReturningOldAndNew) {
		return """
				WITH moved AS (%s)
				INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
				SELECT job_instance_id, outcome, reason, sum(n) FROM (
				    SELECT job_instance_id, outcome, reason, 1 AS n FROM moved
				    UNION ALL
				    SELECT job_instance_id, was, was_reason, -1 FROM moved) AS m
				GROUP BY 1, 2, 3 HAVING sum(n) <> 0
				""".formatted(updateReturningOldAndNew.strip());
	}

	/**
	 * The newest report row that says the invitation's message was sent now says it
	 * bounced: FAILED BOUNCED, with why.
	 */
	void bounced(long invitationId, String detail) {
		jdbc.update(moved("""
				WITH found AS (
				    SELECT r.job_instance_id, r.item_number, v.outcome AS was, r.reason AS was_reason
				    FROM job_report_item r JOIN job_report_row v USING (job_instance_id, item_number)
				    WHERE r.invitation_id = ? AND v.outcome = 'SENT'
				    ORDER BY v.updated_at DESC, r.job_instance_id DESC, r.item_number DESC LIMIT 1 FOR UPDATE OF r)
				UPDATE job_report_item r SET outcome = 'FAILED', reason = ?, detail = ?, updated_at = now()
				FROM found f WHERE r.job_instance_id = f.job_instance_id AND r.item_number = f.item_number
				RETURNING r.job_instance_id, r.outcome, r.reason, f.was, f.was_reason
				"""), invitationId, DeliveryReason.BOUNCED.dbValue(), detail);
	}

	/**
	 * Deletes up to {@code limit} report rows of runs that ended longer than
	 * {@code ageSeconds} ago, each run recorded in {@code job_report_purge} first so that
	 * its totals stay (V42) and its pages say the rows were purged. A run whose
	 * executions are no longer in the job repository counts as ended when its newest row
	 * was written. Call in one transaction; the next call goes on where this one stopped.
	 */
	InvitationStore.ReportsPurged purge(double ageSeconds, int limit) {
		String cutoff = "now() - make_interval(secs => ?)";
		// Runs are found through their totals (a few rows each), not their report rows.
		List<Long> runs = jdbc.queryForList("""
				SELECT r.job_instance_id FROM (SELECT DISTINCT job_instance_id FROM job_report_total) r
				WHERE EXISTS (SELECT 1 FROM job_report_item i WHERE i.job_instance_id = r.job_instance_id)
				  AND %s
				""".formatted(BatchMetadata.runEndedBefore("r.job_instance_id", cutoff,
				"(SELECT max(i.updated_at) FROM job_report_item i WHERE i.job_instance_id = r.job_instance_id) < "
						+ cutoff)),
				Long.class, ageSeconds, ageSeconds);
		if (runs.isEmpty()) {
			return new InvitationStore.ReportsPurged(0, 0);
		}
		Long[] ids = runs.toArray(Long[]::new);
		int recorded = jdbc.update(
				"""
						INSERT INTO job_report_purge (job_instance_id, kept_for)
						SELECT unnest(?::bigint[]), justify_hours(make_interval(secs => ?)) ON CONFLICT (job_instance_id) DO NOTHING
						""",
				ids, ageSeconds);
		Long deleted = jdbc.queryForObject("""
				WITH gone AS (
				    DELETE FROM job_report_item WHERE (job_instance_id, item_number) IN (
				        SELECT job_instance_id, item_number FROM job_report_item WHERE job_instance_id = ANY(?) LIMIT ?)
				    RETURNING job_instance_id),
				counted AS (
				    UPDATE job_report_purge p SET rows_purged = p.rows_purged + g.n, purged_at = now()
				    FROM (SELECT job_instance_id, count(*) AS n FROM gone GROUP BY 1) g
				    WHERE p.job_instance_id = g.job_instance_id RETURNING g.n)
				SELECT coalesce(sum(n), 0) FROM counted
				""", Long.class, ids, limit);
		return new InvitationStore.ReportsPurged(deleted == null ? 0 : deleted, recorded);
	}

	/**
	 * The report said the message went out twice; now it also says which link was used.
	 */
	void noteAccepted(long invitationId, String note) {
		jdbc.update("""
				UPDATE job_report_item SET detail = concat_ws('; ', detail, ?), updated_at = now()
				WHERE invitation_id = ? AND reason = ?
				""", note, invitationId, DeliveryReason.IN_DOUBT.dbValue());
	}

}
