package org.invitations.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.run.BatchMetadata;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;

/**
 * The database of a deployment that has sent for years, made in minutes: N earlier
 * people, each with one settled invitation as the job leaves it (its row, its history
 * entries, its report row, its role), spread over 100 earlier runs of 10 specs (each
 * recorded as a completed execution that ended when it sent its last one), written
 * set-based a million at a time. One in ten is still SENT and past its expiry, for the
 * expiry job to close.
 * <p>
 * Of every hundred: 60 accepted, 25 expired (half of them long enough ago that their link
 * is forgotten), 10 sent and now past their expiry, 3 cancelled, 2 refused by the server.
 */
final class HistoryFill {

	private static final int BATCH = 1_000_000;

	private static final int RUNS = 100;

	private final JdbcTemplate jdbc;

	private final BatchMetadata metadata;

	HistoryFill(JdbcTemplate jdbc, BatchMetadata metadata) {
		this.jdbc = jdbc;
		this.metadata = metadata;
	}

	/**
	 * @return the number of invitations due for expiry it left
	 */
	long fill(long people, PrintWriter progress) {
		long started = System.nanoTime();
		// Job instance and execution ids of the earlier runs, taken from Spring Batch's
		// sequences so that no later run shares them.
		long instances = metadata.reserveInstanceIds(RUNS);
		long executions = metadata.reserveExecutionIds(RUNS);
		String tag = Long.toString(System.currentTimeMillis(), 36);
		String group = "bench-history-" + tag;
		jdbc.update("INSERT INTO person_group (name) VALUES (?)", group);
		jdbc.update("INSERT INTO role (name, description) VALUES ('bench-history', 'People of earlier runs')"
				+ " ON CONFLICT (name) DO NOTHING");
		long due = 0;
		for (long from = 1; from <= people; from += BATCH) {
			long to = Math.min(people, from + BATCH - 1);
			due += batch(tag, group, from, to, people, instances, executions);
			progress.printf("  earlier invitations: %,d of %,d (%.0f s)%n", to, people,
					(System.nanoTime() - started) / 1e9);
		}
		endRuns(instances, executions);
		jdbc.update("""
				INSERT INTO invitation_source (job_instance_id, kind, ref)
				SELECT ? + run, 'GROUP', 'group:history-' || run % 10 || ':all' FROM generate_series(0, ? - 1) run
				""", instances, RUNS);
		jdbc.update("""
				INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
				SELECT job_instance_id, outcome, reason, count(*) FROM job_report_row
				WHERE job_instance_id BETWEEN ? AND ? GROUP BY 1, 2, 3
				""", instances, instances + RUNS - 1);
		// What autovacuum would have done long before the next run.
		for (String table : new String[] { "person", "group_member", "role_assignment", "invitation",
				"invitation_event", "job_report_item" }) {
			jdbc.execute("VACUUM ANALYZE " + table);
		}
		progress.printf("  filled and vacuumed in %s%n",
				Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s");
		return due;
	}

	/**
	 * Records the earlier runs as completed executions of the invitation job, each ended
	 * when it sent its last invitation (see {@link #batch}: run {@code r} of 100 sent
	 * between 300 and 20 days ago, in order), so that the expiry job's retention of
	 * report rows finds them ended as long ago as their rows say.
	 */
	private void endRuns(long instances, long executions) {
		Instant now = Instant.now();
		for (int run = 0; run < RUNS; run++) {
			Instant end = now.minus(Duration.ofDays(300))
				.plus(Duration.ofDays(280).multipliedBy(run + 1).dividedBy(RUNS));
			metadata.addEndedRun(new BatchMetadata.RunIds(instances + run, executions + run), JobNames.INVITATION,
					Map.of(JobParameterNames.SPEC_NAME, "history-" + run % 10, JobParameterNames.RUN,
							Integer.toString(run / 10 + 1)),
					end);
		}
	}

	private long batch(String tag, String group, long from, long to, long people, long instances, long executions) {
		// One statement per table, each reading the rows the one before wrote.
		long firstPerson = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM person", Long.class);
		jdbc.update("""
				WITH people AS (
				    INSERT INTO person (email, email_normalized, first_name, last_name, last_login_at, created_at)
				    SELECT e, e, 'Earlier' || g, 'Person', CASE WHEN g % 100 < 60 THEN now() - interval '20 days' END,
				           now() - interval '400 days'
				    FROM (SELECT g, 'h' || g || '.' || ? || '@example.net' AS e FROM generate_series(?, ?) g) s
				    RETURNING id),
				members AS (
				    INSERT INTO group_member (group_id, person_id)
				    SELECT (SELECT id FROM person_group WHERE name = ?), id FROM people)
				INSERT INTO role_assignment (person_id, role_id, assigned_at)
				SELECT id, (SELECT id FROM role WHERE name = 'bench-history'), now() - interval '30 days' FROM people
				""", tag, from, to, group);
		long firstInvitation = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM invitation", Long.class);
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_hash, created_at, sent_at, expires_at,
				    accepted_at, accepted_by, closed_at, token_ttl, spec_name, job_instance_id, job_execution_id,
				    delivery_instance_id, attempt_count, last_smtp_reply, email, email_normalized)
				SELECT p.id, 'INVITATION', s.status, r.id,
				       CASE WHEN s.status = 'SENT' OR s.status = 'EXPIRED' AND s.g % 2 = 0
				            THEN sha256(convert_to(p.email || s.g, 'UTF8')) END,
				       s.at, CASE WHEN s.status <> 'FAILED' THEN s.at END,
				       CASE WHEN s.status <> 'FAILED' THEN s.at + interval '7 days' END,
				       CASE WHEN s.status = 'ACCEPTED' THEN s.at + interval '1 day' END,
				       CASE WHEN s.status = 'ACCEPTED' THEN 'api:crm' END,
				       CASE WHEN s.status = 'ACCEPTED' THEN s.at + interval '1 day'
				            WHEN s.status IN ('EXPIRED', 'CANCELLED', 'FAILED') THEN s.at + interval '7 days' END,
				       interval '7 days', 'history-' || s.run % 10, ? + s.run, ? + s.run, ? + s.run, 1,
				       CASE WHEN s.status = 'FAILED' THEN '550 5.1.1 User unknown' ELSE '250 2.0.0 Ok: queued' END,
				       NULLIF(p.email, p.email_normalized), p.email_normalized
				FROM person p CROSS JOIN LATERAL (
				    SELECT g, g * ? / (? + 1) AS run,
				           CASE WHEN g % 100 < 60 THEN 'ACCEPTED' WHEN g % 100 < 85 THEN 'EXPIRED'
				                WHEN g % 100 < 95 THEN 'SENT' WHEN g % 100 < 98 THEN 'CANCELLED' ELSE 'FAILED' END
				               AS status,
				           -- a sent one was sent 8 days ago: its week is over
				           CASE WHEN g % 100 BETWEEN 85 AND 94 THEN now() - interval '8 days'
				                ELSE now() - interval '300 days' + interval '280 days' * (g::float8 / ?) END AS at
				    FROM (SELECT substring(p.email FROM '^h([0-9]+)\\.')::bigint AS g) n) s,
				    role r
				WHERE p.id > ? AND r.name = 'bench-history'
				""", instances, executions, instances, RUNS, people, people, firstPerson);
		// Their history: refused, or cancelled. Their QUEUED entries (V35), their SENT
		// ones (V46), their ACCEPTED ones (V50) and their EXPIRED ones (V52) are the rows
		// themselves.
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, at, type, actor, detail)
				SELECT id, created_at, 'FAILED', 'job:' || spec_name || '#' || job_execution_id, last_smtp_reply
				FROM invitation WHERE id > ? AND status = 'FAILED'
				UNION ALL
				SELECT id, closed_at, status, 'console:admin', 'cancelled by an admin'
				FROM invitation WHERE id > ? AND status = 'CANCELLED'
				""", firstInvitation, firstInvitation);
		// Their report rows as a run leaves them: a sent one as the select step wrote it,
		// read as SENT from its invitation (V48), an address written as normalised once
		// (V49).
		jdbc.update("""
				INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, email, email_normalized,
				    person_id, invitation_id, kind, outcome, reason, detail, updated_at)
				SELECT job_instance_id, job_execution_id, person_id, email, email_normalized,
				       person_id, id, kind, CASE WHEN status = 'FAILED' THEN 'FAILED' ELSE 'QUEUED' END,
				       CASE WHEN status = 'FAILED' THEN 'PERMANENT_REFUSAL' END,
				       CASE WHEN status = 'FAILED' THEN last_smtp_reply END, created_at
				FROM invitation WHERE id > ?
				""", firstInvitation);
		Long due = jdbc.queryForObject("SELECT count(*) FROM invitation WHERE id > ? AND status = 'SENT'", Long.class,
				firstInvitation);
		return due == null ? 0 : due;
	}

}
