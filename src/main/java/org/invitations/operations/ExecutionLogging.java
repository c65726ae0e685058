package org.invitations.operations;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/**
 * Registers itself on every job: while a job runs, its thread (and every thread started
 * from it) logs with the execution id, and when the job ends it writes to its log the
 * summary {@code run} prints (outcomes by reason, step counters) and counts the run's
 * outcomes for metrics, once per run.
 */
@Component
class ExecutionLogging implements JobExecutionListener, BeanPostProcessor {

	private static final Logger log = LoggerFactory.getLogger(ExecutionLogging.class);

	private final ObjectProvider<RunSummary> summary;

	ExecutionLogging(ObjectProvider<RunSummary> summary) {
		this.summary = summary;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractJob job) {
			job.registerJobExecutionListener(this);
		}
		return bean;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		ExecutionLogContext.enter(execution.getId());
		try {
			summary.ifAvailable(s -> s.start(execution));
		}
		catch (RuntimeException ex) {
			log.warn("The run's totals could not be read at its start: {}", ex.getMessage());
		}
	}

	@Override
	public void afterJob(JobExecution execution) {
		try {
			summary.ifAvailable(s -> s.record(execution));
			if (execution.getStatus() != BatchStatus.COMPLETED) {
				log.warn("{} execution {} ended {} ({})", execution.getJobInstance().getJobName(), execution.getId(),
						execution.getStatus(), execution.getExitStatus().getExitCode());
			}
			for (StepExecution step : execution.getStepExecutions()) {
				log.info("step {}: {} read {}, written {}, filtered {}, skipped {}, commits {}, rollbacks {}",
						step.getStepName(), step.getStatus(), step.getReadCount(), step.getWriteCount(),
						step.getFilterCount(), step.getSkipCount(), step.getCommitCount(), step.getRollbackCount());
			}
		}
		catch (RuntimeException ex) {
			log.warn("The run's summary could not be written: {}", ex.getMessage());
		}
		finally {
			ExecutionLogContext.leave();
		}
	}

}
