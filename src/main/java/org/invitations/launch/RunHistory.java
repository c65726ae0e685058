package org.invitations.launch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

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

	public RunHistory(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
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
		Map<String, String> parameters = new HashMap<>();
		jdbc.query("SELECT parameter_name, parameter_value FROM batch_job_execution_params WHERE job_execution_id = ?",
				rs -> {
					parameters.put(rs.getString(1), rs.getString(2));
				}, executionId);
		return new LastExecution(executionId, found.get(0)[1], status, parameters);
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
		return new InvitationStore(jdbc).abandonRun(instanceId, actor);
	}

}
