package org.invitations.notify;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import org.invitations.delivery.DailyLimitReachedException;
import org.invitations.smtp.SenderRefusedException;

/**
 * How a run ended, in the words a notification uses: completed, failed, stopped, or
 * paused (the mail server refused the sender, or the daily limit is used up), the same
 * reading as the command line's exit code 4.
 */
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
			for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null
					: cause.getCause()) {
				if (cause instanceof SenderRefusedException || cause instanceof DailyLimitReachedException) {
					return PAUSED;
				}
			}
		}
		return FAILED;
	}

}
