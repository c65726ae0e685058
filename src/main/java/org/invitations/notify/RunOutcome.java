package org.invitations.notify;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import org.invitations.delivery.SenderRefusedException;

/** How a run ended, in the words a notification uses: completed, failed, stopped, or paused by the mail server. */
enum RunOutcome {

	COMPLETED, FAILED, STOPPED, PAUSED;

	static RunOutcome of(JobExecution execution) {
		if (execution.getStatus() == BatchStatus.COMPLETED) {
			return COMPLETED;
		}
		if (execution.getStatus() == BatchStatus.STOPPED || execution.getStatus() == BatchStatus.STOPPING) {
			return STOPPED;
		}
		for (Throwable failure : execution.getAllFailureExceptions()) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
				if (cause instanceof SenderRefusedException) {
					return PAUSED;
				}
			}
		}
		return FAILED;
	}

}
