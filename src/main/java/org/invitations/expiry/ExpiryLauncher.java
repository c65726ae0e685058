package org.invitations.expiry;

import java.util.List;

import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.job.ExecutionOwnership;
import org.invitations.job.JobParameterNames;
import org.invitations.launch.SpecLock;
import org.invitations.spec.ExpirySpec;

/** Runs the expiry job: restarts the spec's last run if it failed, else starts the next one. */
@Service
public class ExpiryLauncher {

	static final String SPEC_NAME = "spec.name";

	static final String RUN = "run";

	static final String BATCH_SIZE = "batch.size";

	static final String PURGE_AFTER_SECONDS = "purge.after.seconds";

	static final String REMIND_BEFORE_SECONDS = "remind.before.seconds";

	static final String REMIND_MIN_SECONDS = "remind.min-remaining.seconds";

	static final String REMIND_TEMPLATE = "remind.template";

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job expiryJob;

	private final JdbcTemplate jdbc;

	private final SpecLock specLock;

	public ExpiryLauncher(JobOperator jobOperator, JobRepository jobRepository, @Qualifier("expiryJob") Job expiryJob,
			JdbcTemplate jdbc, SpecLock specLock, ExecutionOwnership ownership) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.expiryJob = expiryJob;
		if (expiryJob instanceof AbstractJob job) {
			// Known as this process's job: SIGTERM stops it between two batches, as it stops an invitation run.
			job.registerJobExecutionListener(ownership);
		}
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
				SPEC_NAME, spec.name());
		if (!last.isEmpty() && List.of("FAILED", "STOPPED").contains(last.get(0)[1])) {
			return jobOperator.restart(jobRepository.getJobExecution((Long) last.get(0)[0]));
		}
		Long run = jdbc.queryForObject("""
				SELECT coalesce(max(r.parameter_value::bigint), 0) + 1 FROM batch_job_execution_params r
				JOIN batch_job_execution e ON e.job_execution_id = r.job_execution_id
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				WHERE i.job_name = ? AND r.parameter_name = ?
				""", Long.class, ExpiryJobConfiguration.JOB_NAME, RUN);
		JobParametersBuilder parameters = new JobParametersBuilder().addString(SPEC_NAME, spec.name())
			.addLong(RUN, run)
			.addLong(BATCH_SIZE, (long) spec.batchSize(), false)
			// Not identifying: where the spec is, so the run's report and notifications can read it.
			.addString(JobParameterNames.SPEC_PATH, spec.file().toAbsolutePath().toString(), false);
		if (spec.purgeTokenHashesAfter() != null) {
			parameters.addLong(PURGE_AFTER_SECONDS, spec.purgeTokenHashesAfter().toSeconds(), false);
		}
		if (spec.remind() != null) {
			parameters.addLong(REMIND_BEFORE_SECONDS, spec.remind().before().toSeconds(), false)
				.addLong(REMIND_MIN_SECONDS, spec.remind().minRemaining().toSeconds(), false)
				.addString(REMIND_TEMPLATE, spec.remind().template(), false);
		}
		return jobOperator.start(expiryJob, parameters.toJobParameters());
	}

	/** Reminders by outcome (SENT, FAILED, DEFERRED, SKIPPED), as the remind step recorded them. */
	public static java.util.Map<String, Long> remindedByOutcome(JobExecution execution) {
		java.util.Map<String, Long> counts = new java.util.TreeMap<>();
		execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals("remind"))
			.forEach(step -> step.getExecutionContext()
				.entrySet()
				.stream()
				.filter(e -> e.getKey().startsWith(RemindTasklet.COUNT_PREFIX))
				.forEach(e -> counts.merge(e.getKey().substring(RemindTasklet.COUNT_PREFIX.length()),
						((Number) e.getValue()).longValue(), Long::sum)));
		return counts;
	}

	/** Expired counts per spec name, as the expire step recorded them. */
	public static java.util.Map<String, Long> expiredBySpec(JobExecution execution) {
		java.util.Map<String, Long> counts = new java.util.TreeMap<>();
		execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals("expire"))
			.forEach(step -> step.getExecutionContext()
				.entrySet()
				.stream()
				.filter(e -> e.getKey().startsWith(ExpireTasklet.COUNT_PREFIX))
				.forEach(e -> counts.merge(e.getKey().substring(ExpireTasklet.COUNT_PREFIX.length()),
						((Number) e.getValue()).longValue(), Long::sum)));
		return counts;
	}

}
