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

	SelectStepProgress(JobRepository repository) {
		this.repository = repository;
	}

	void open(StepExecution deliver) {
		JobExecution job = deliver.getJobExecution();
		StepExecution last = repository.getLastStepExecution(job.getJobInstance(), SELECT_STEP);
		this.completedEarlier = last != null && last.getJobExecutionId() != job.getId()
				&& last.getStatus() == BatchStatus.COMPLETED;
		this.execution = job;
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
			if (step.getStepName().equals(SELECT_STEP)) {
				return step;
			}
		}
		return null;
	}

}
