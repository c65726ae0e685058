package org.invitations.job;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.ObjectProvider;

import org.invitations.run.RunContext;

/**
 * The invitation job's first decision: a resend run selects earlier invitations, any
 * other run the spec's source. Deciding means building the run's context, which re-reads
 * the spec and refuses one changed since the run started, so that refusal comes here, in
 * the job's thread, before either step exists.
 */
class SelectionRoute implements JobExecutionDecider {

	static final String RESEND = "RESEND";

	static final String SOURCE = "SOURCE";

	private final ObjectProvider<RunContext> run;

	SelectionRoute(ObjectProvider<RunContext> run) {
		this.run = run;
	}

	@Override
	public FlowExecutionStatus decide(JobExecution jobExecution, @Nullable StepExecution stepExecution) {
		return new FlowExecutionStatus(run.getObject().sourceKind().equals("RESEND") ? RESEND : SOURCE);
	}

}
