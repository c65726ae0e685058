package org.invitations.delivery;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Whether the select step, which runs beside the deliver step, will queue anything more:
 * over once it ended in this execution, however it ended, or when an earlier execution of
 * the same run completed it (a restart skips it then). This execution's own select step
 * is read from the job execution both steps share, as Spring Batch keeps it up to date;
 * the earlier ones are asked of the job repository once, when the deliver step starts.
 */
final class SelectStepProgress {

	/** The select step's name in the invitation job. */
	static final String SELECT_STEP = "select";

	private final JobRepository repository;

	private @Nullable JobExecution execution;

	private boolean completedEarlier;

	/**
	 * The select step as the job repository last showed it, for a partition run by a
	 * worker: its job execution is a copy that Spring Batch does not keep up to date.
	 */
	private @Nullable StepExecution stored;

	private long storedAt;

	/** How often a worker asks the job repository, at most. */
	private static final long REFRESH_NANOS = 1_000_000_000L;

	SelectStepProgress(JobRepository repository) {
		this.repository = repository;
	}

	void open(StepExecution deliver) {
		JobExecution job = deliver.getJobExecution();
		StepExecution last = repository.getLastStepExecution(job.getJobInstance(), SELECT_STEP);
		this.completedEarlier = last != null && last.getJobExecutionId() != job.getId()
				&& last.getStatus() == BatchStatus.COMPLETED;
		this.execution = job;
		this.stored = null;
		this.storedAt = System.nanoTime() - REFRESH_NANOS - 1;
	}

	/** Whether nothing more will be queued. */
	boolean isOver() {
		if (completedEarlier) {
			return true;
		}
		StepExecution select = ofThisExecution();
		return select != null && switch (select.getStatus()) {
			case COMPLETED, FAILED, STOPPED, ABANDONED -> true;
			default -> false;
		};
	}

	/**
	 * Whether this execution has a select step at all (its flow can fail before it is
	 * created).
	 */
	boolean started() {
		return ofThisExecution() != null;
	}

	private @Nullable StepExecution ofThisExecution() {
		JobExecution job = execution;
		if (job == null) {
			throw new IllegalStateException("the deliver step has not started");
		}
		for (StepExecution step : job.getStepExecutions()) {
			if (step.getStepName().equals(SELECT_STEP) && !step.getStatus().isRunning()) {
				return step;
			}
		}
		// Still running here, or unknown: in this process Spring Batch updates it as it
		// goes, but a worker's copy stands still, so the repository is asked, once a
		// second at most.
		long now = System.nanoTime();
		if ((stored == null || stored.getStatus().isRunning()) && now - storedAt > REFRESH_NANOS) {
			StepExecution last = repository.getLastStepExecution(job.getJobInstance(), SELECT_STEP);
			storedAt = now;
			if (last != null && last.getJobExecutionId() == job.getId()) {
				stored = last;
			}
		}
		if (stored != null) {
			return stored;
		}
		for (StepExecution step : job.getStepExecutions()) {
			if (step.getStepName().equals(SELECT_STEP)) {
				return step;
			}
		}
		return null;
	}

}
