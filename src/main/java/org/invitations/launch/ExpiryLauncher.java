package org.invitations.launch;

import java.util.List;
import java.util.Optional;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Service;

import org.invitations.job.ExpiryJobConfiguration;
import org.invitations.run.BatchMetadata;
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

	private final BatchMetadata metadata;

	private final SpecLock specLock;

	public ExpiryLauncher(JobOperator jobOperator, JobRepository jobRepository,
			@Qualifier(ExpiryJobConfiguration.JOB_NAME) Job expiryJob, BatchMetadata metadata, SpecLock specLock) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.expiryJob = expiryJob;
		this.metadata = metadata;
		this.specLock = specLock;
	}

	public JobExecution run(ExpirySpec spec) throws Exception {
		// Two schedulers firing at once must not both start the same run.
		try (SpecLock.Held held = specLock.acquire("expiry:" + spec.name())) {
			return runLocked(spec);
		}
	}

	private JobExecution runLocked(ExpirySpec spec) throws Exception {
		Optional<BatchMetadata.ExecutionRow> last = metadata.latestExecution(List.of(ExpiryJobConfiguration.JOB_NAME),
				spec.name(), null);
		if (last.isPresent() && List.of("FAILED", "STOPPED").contains(last.get().status())) {
			return jobOperator.restart(jobRepository.getJobExecution(last.get().id()));
		}
		long run = metadata.highestRunOfJob(ExpiryJobConfiguration.JOB_NAME) + 1;
		JobParametersBuilder parameters = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, spec.name())
			.addLong(JobParameterNames.RUN, run)
			.addLong(JobParameterNames.BATCH_SIZE, (long) spec.batchSize(), false)
			// Not identifying: where the spec is, so the run's report and notifications
			// can read it.
			.addString(JobParameterNames.SPEC_PATH, spec.file().toAbsolutePath().toString(), false);
		if (spec.purgeTokenHashesAfter() != null) {
			parameters.addLong(JobParameterNames.PURGE_AFTER_SECONDS, spec.purgeTokenHashesAfter().toSeconds(), false);
		}
		if (spec.purgeReportRowsAfter() != null) {
			parameters.addLong(JobParameterNames.PURGE_REPORT_ROWS_AFTER_SECONDS,
					spec.purgeReportRowsAfter().toSeconds(), false);
		}
		if (spec.purgeHistoryAfter() != null) {
			parameters.addLong(JobParameterNames.PURGE_HISTORY_AFTER_SECONDS, spec.purgeHistoryAfter().toSeconds(),
					false);
		}
		if (spec.remind() != null) {
			parameters.addLong(JobParameterNames.REMIND_BEFORE_SECONDS, spec.remind().before().toSeconds(), false)
				.addLong(JobParameterNames.REMIND_MIN_SECONDS, spec.remind().minRemaining().toSeconds(), false)
				.addString(JobParameterNames.REMIND_TEMPLATE, spec.remind().template(), false);
		}
		return jobOperator.start(expiryJob, parameters.toJobParameters());
	}

}
