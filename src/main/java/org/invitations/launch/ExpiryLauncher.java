package org.invitations.launch;

import java.util.List;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.job.ExpiryJobConfiguration;
import org.invitations.run.JobParameterNames;
import org.invitations.spec.ExpirySpec;

/**
 * Runs the expiry job: restarts the spec's last run if it failed, else starts the next
 * one.
 */
@Service
public class ExpiryLauncher {

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job expiryJob;

	private final JdbcTemplate jdbc;

	private final SpecLock specLock;

	public ExpiryLauncher(JobOperator jobOperator, JobRepository jobRepository,
			@Qualifier(ExpiryJobConfiguration.JOB_NAME) Job expiryJob, JdbcTemplate jdbc, SpecLock specLock) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.expiryJob = expiryJob;
		this.jdbc = jdbc;
		this.specLock = specLock;
	}

	public JobExecution run(ExpirySpec spec) throws Exception {
		// Two schedulers firing at once must not both start the same run.
		try (SpecLock.Held held = specLock.acquire("expiry:" + spec.name())) {
			return runLocked(spec);
		}
	}

	private JobExecution runLocked(ExpirySpec spec) throws Exception {
		List<Object[]> last = jdbc.query("""
				SELECT e.job_execution_id, e.status FROM batch_job_execution e
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				WHERE i.job_name = ? AND EXISTS (SELECT 1 FROM batch_job_execution_params p
				      WHERE p.job_execution_id = e.job_execution_id AND p.parameter_name = ? AND p.parameter_value = ?)
				ORDER BY e.job_execution_id DESC LIMIT 1
				""", (rs, n) -> new Object[] { rs.getLong(1), rs.getString(2) }, ExpiryJobConfiguration.JOB_NAME,
				JobParameterNames.SPEC_NAME, spec.name());
		if (!last.isEmpty() && List.of("FAILED", "STOPPED").contains(last.get(0)[1])) {
			return jobOperator.restart(jobRepository.getJobExecution((Long) last.get(0)[0]));
		}
		Long run = jdbc.queryForObject("""
				SELECT coalesce(max(r.parameter_value::bigint), 0) + 1 FROM batch_job_execution_params r
				JOIN batch_job_execution e ON e.job_execution_id = r.job_execution_id
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				WHERE i.job_name = ? AND r.parameter_name = ?
				""", Long.class, ExpiryJobConfiguration.JOB_NAME, JobParameterNames.RUN);
		JobParametersBuilder parameters = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, spec.name())
			.addLong(JobParameterNames.RUN, run)
			.addLong(JobParameterNames.BATCH_SIZE, (long) spec.batchSize(), false)
			// Not identifying: where the spec is, so the run's report and notifications
			// can read it.
			.addString(JobParameterNames.SPEC_PATH, spec.file().toAbsolutePath().toString(), false);
		if (spec.purgeTokenHashesAfter() != null) {
			parameters.addLong(JobParameterNames.PURGE_AFTER_SECONDS, spec.purgeTokenHashesAfter().toSeconds(), false);
		}
		if (spec.remind() != null) {
			parameters.addLong(JobParameterNames.REMIND_BEFORE_SECONDS, spec.remind().before().toSeconds(), false)
				.addLong(JobParameterNames.REMIND_MIN_SECONDS, spec.remind().minRemaining().toSeconds(), false)
				.addString(JobParameterNames.REMIND_TEMPLATE, spec.remind().template(), false);
		}
		return jobOperator.start(expiryJob, parameters.toJobParameters());
	}

}
