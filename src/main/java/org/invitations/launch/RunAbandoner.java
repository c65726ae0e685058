package org.invitations.launch;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Gives up a stopped or failed run for good, as {@code run --abandon-unfinished} does:
 * Spring Batch marks it ABANDONED (never restarted), and the invitations it had queued
 * are cancelled so that a new run can invite them.
 */
@Service
public class RunAbandoner {

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final RunHistory history;

	private final TransactionTemplate transaction;

	public RunAbandoner(JobOperator jobOperator, JobRepository jobRepository, RunHistory history,
			TransactionTemplate transaction) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.history = history;
		this.transaction = transaction;
	}

	/**
	 * @return how many queued invitations were cancelled
	 * @throws IllegalStateException when the execution is running or finished already
	 */
	public int abandon(long executionId, String actor) throws Exception {
		JobExecution execution = jobRepository.getJobExecution(executionId);
		if (execution == null) {
			throw new IllegalArgumentException("no job execution " + executionId);
		}
		String status = execution.getStatus().name();
		if (!status.equals("STOPPED") && !status.equals("FAILED")) {
			throw new IllegalStateException(
					"execution " + executionId + " is " + status + ": only a stopped or failed run can be abandoned");
		}
		jobOperator.abandon(execution);
		return transaction.execute(tx -> history.cancelQueued(execution.getJobInstanceId(), actor));
	}

}
