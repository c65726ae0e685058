package org.invitations.cli;

import org.springframework.batch.core.job.JobExecution;

import org.invitations.delivery.DailyLimitReachedException;
import org.invitations.report.ReportQueries;
import org.invitations.smtp.SenderRefusedException;

/**
 * A job that ended because sending must wait, not because anything failed: the mail
 * server refused the sender or the session, or the daily sending limit is used up. Every
 * job that sends maps it to exit code 4 with one line.
 */
final class Paused {

	private Paused() {
	}

	/**
	 * If the execution was paused, says why, how far it got and how to go on, and returns
	 * exit code 4.
	 * @param goOn what to do later, e.g. "run the same spec again later to go on"
	 * @return {@link InvitationsCommand#PAUSED}, or null if the execution did not end
	 * paused
	 */
	static Integer exitCode(Subcommand caller, JobExecution execution, String goOn) {
		RuntimeException pause = pause(execution);
		if (pause == null) {
			return null;
		}
		ReportQueries queries = caller.bean(ReportQueries.class);
		long instance = queries.execution(execution.getId()).instanceId();
		caller.err()
			.println("error: " + pause.getMessage() + "; " + count(queries, instance, "SENT") + " sent, "
					+ count(queries, instance, "QUEUED") + " left queued; " + goOn);
		return InvitationsCommand.PAUSED;
	}

	private static RuntimeException pause(JobExecution execution) {
		for (Throwable failure : execution.getAllFailureExceptions()) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null
					: cause.getCause()) {
				if (cause instanceof SenderRefusedException || cause instanceof DailyLimitReachedException) {
					return (RuntimeException) cause;
				}
			}
		}
		return null;
	}

	private static long count(ReportQueries queries, long instanceId, String outcome) {
		return queries.summary(instanceId)
			.stream()
			.filter(c -> c.outcome().equals(outcome))
			.mapToLong(c -> c.count())
			.sum();
	}

}
