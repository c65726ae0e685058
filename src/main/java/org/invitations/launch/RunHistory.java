package org.invitations.launch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import org.invitations.events.InvitationEvents;
import org.invitations.guard.RecipientGuard;
import org.invitations.invitation.InvitationStore;
import org.invitations.job.InvitationJobConfiguration;
import org.invitations.run.JobParameterNames;

/**
 * Finds earlier runs of a spec in the job repository, to restart an unfinished one or
 * number the next.
 */
@Repository
public class RunHistory {

	private final JdbcTemplate jdbc;

	private final InvitationEvents events;

	public RunHistory(JdbcTemplate jdbc, InvitationEvents events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	/**
	 * The latest execution of a spec's runs.
	 *
	 * @param parameters its job parameters by name
	 */
	public record LastExecution(long executionId, long instanceId, String status, Map<String, String> parameters) {

		public boolean isUnfinished() {
			return !List.of(BatchStatus.COMPLETED.name(), BatchStatus.ABANDONED.name()).contains(status);
		}

	}

	public LastExecution last(String specName, boolean dryRun) {
		List<Long[]> found = jdbc.query("""
				SELECT e.job_execution_id, e.job_instance_id, e.status FROM batch_job_execution e
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				WHERE i.job_name = ?
				  AND EXISTS (SELECT 1 FROM batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id
				              AND p.parameter_name = ? AND p.parameter_value = ?)
				  AND EXISTS (SELECT 1 FROM batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id
				              AND p.parameter_name = ? AND p.parameter_value = ?)
				ORDER BY e.job_execution_id DESC LIMIT 1
				""", (rs, n) -> new Long[] { rs.getLong(1), rs.getLong(2) }, InvitationJobConfiguration.JOB_NAME,
				JobParameterNames.SPEC_NAME, specName, JobParameterNames.DRY_RUN, Boolean.toString(dryRun));
		if (found.isEmpty()) {
			return null;
		}
		long executionId = found.get(0)[0];
		String status = jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
				String.class, executionId);
		return new LastExecution(executionId, found.get(0)[1], status, parameters(executionId));
	}

	/**
	 * Where an execution stands in its run and among its spec's runs, as the job
	 * repository says.
	 *
	 * @param job the job's name
	 * @param status its status
	 * @param latestOfRun the newest execution of its run (itself unless a restart
	 * continued it)
	 * @param runEnded whether an execution of its run completed or was abandoned
	 * @param specLast the newest execution of any run of its spec, of the same kind (dry
	 * run or not)
	 * @param held whether its deliver step was held by {@code max-recipients} or a
	 * confirmed number
	 */
	public record Standing(long executionId, long instanceId, String job, String status, long latestOfRun,
			boolean runEnded, long specLast, boolean held) {

		public boolean running() {
			return List.of("STARTING", "STARTED", "STOPPING").contains(status);
		}

	}

	/** The standing of each of these executions, by id; unknown ids are left out. */
	public Map<Long, Standing> standings(java.util.Collection<Long> executionIds) {
		Map<Long, Standing> standings = new HashMap<>();
		// The newest execution of each spec listed is looked up once per spec, not per
		// execution: the parameters table has no index, and a page lists 50 executions.
		jdbc.query("""
				WITH listed AS (
				    SELECT e.job_execution_id, e.job_instance_id, i.job_name, e.status,
				           spec.parameter_value AS spec, dry.parameter_value AS dry
				    FROM batch_job_execution e JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				    LEFT JOIN batch_job_execution_params spec ON spec.job_execution_id = e.job_execution_id
				         AND spec.parameter_name = ?
				    LEFT JOIN batch_job_execution_params dry ON dry.job_execution_id = e.job_execution_id
				         AND dry.parameter_name = ?
				    WHERE e.job_execution_id = ANY(?)),
				specs AS (
				    SELECT k.job_name, k.spec, k.dry,
				           (SELECT max(p.job_execution_id) FROM batch_job_execution_params p
				            JOIN batch_job_execution o ON o.job_execution_id = p.job_execution_id
				            JOIN batch_job_instance oi ON oi.job_instance_id = o.job_instance_id
				            WHERE p.parameter_name = ? AND p.parameter_value = k.spec AND oi.job_name = k.job_name
				              AND NOT EXISTS (SELECT 1 FROM batch_job_execution_params d
				                              WHERE d.job_execution_id = p.job_execution_id AND d.parameter_name = ?
				                                AND d.parameter_value IS DISTINCT FROM k.dry)) AS last
				    FROM (SELECT DISTINCT job_name, spec, dry FROM listed WHERE spec IS NOT NULL) k)
				SELECT l.job_execution_id, l.job_instance_id, l.job_name, l.status,
				       (SELECT max(x.job_execution_id) FROM batch_job_execution x
				        WHERE x.job_instance_id = l.job_instance_id),
				       EXISTS (SELECT 1 FROM batch_job_execution x WHERE x.job_instance_id = l.job_instance_id
				               AND x.status IN ('COMPLETED', 'ABANDONED')),
				       coalesce(s.last, l.job_execution_id),
				       EXISTS (SELECT 1 FROM batch_step_execution st WHERE st.job_execution_id = l.job_execution_id
				               AND st.step_name = 'deliver' AND st.exit_code = ?)
				FROM listed l LEFT JOIN specs s ON s.job_name = l.job_name AND s.spec = l.spec
				     AND s.dry IS NOT DISTINCT FROM l.dry
				""", rs -> {
			standings.put(rs.getLong(1), new Standing(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
					rs.getLong(5), rs.getBoolean(6), rs.getLong(7), rs.getBoolean(8)));
		}, JobParameterNames.SPEC_NAME, JobParameterNames.DRY_RUN, executionIds.toArray(Long[]::new),
				JobParameterNames.SPEC_NAME, JobParameterNames.DRY_RUN, RecipientGuard.NEEDS_CONFIRMATION);
		return standings;
	}

	/**
	 * How many of a run's invitations are not sent yet: queued, and claimed by an
	 * execution that may have sent them (in doubt).
	 */
	public record Unsent(long queued, long inDoubt) {
	}

	public Unsent unsent(long instanceId) {
		return jdbc.queryForObject("""
				SELECT count(*) FILTER (WHERE status = 'QUEUED'), count(*) FILTER (WHERE status = 'SENDING')
				FROM invitation WHERE delivery_instance_id = ? AND status IN ('QUEUED', 'SENDING')
				""", (rs, n) -> new Unsent(rs.getLong(1), rs.getLong(2)), instanceId);
	}

	/** An execution's job parameters by name; empty when there is no such execution. */
	public Map<String, String> parameters(long executionId) {
		Map<String, String> parameters = new HashMap<>();
		jdbc.query("SELECT parameter_name, parameter_value FROM batch_job_execution_params WHERE job_execution_id = ?",
				rs -> {
					parameters.put(rs.getString(1), rs.getString(2));
				}, executionId);
		return parameters;
	}

	/** The next run number for a spec name: one more than any run of it so far. */
	public long nextRun(String specName) {
		Long max = jdbc.queryForObject("""
				SELECT max(r.parameter_value::bigint) FROM batch_job_execution_params r
				WHERE r.parameter_name = ? AND EXISTS (SELECT 1 FROM batch_job_execution_params n
				      WHERE n.job_execution_id = r.job_execution_id AND n.parameter_name = ? AND n.parameter_value = ?)
				""", Long.class, JobParameterNames.RUN, JobParameterNames.SPEC_NAME, specName);
		return max == null ? 1 : max + 1;
	}

	/**
	 * Releases the people an abandoned run had queued, so that a new run can invite them:
	 * its claims are ended as a restart would end them, then what is left open is
	 * CANCELLED (see {@link InvitationStore#abandonRun}).
	 */
	public int cancelQueued(long instanceId, String actor) {
		return new InvitationStore(jdbc, events).abandonRun(instanceId, actor);
	}

}
