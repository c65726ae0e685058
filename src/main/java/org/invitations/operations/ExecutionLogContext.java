package org.invitations.operations;

import org.slf4j.MDC;

/**
 * The job execution a thread works for, so that every log line of a run carries its id
 * ({@value #MDC_KEY} in the MDC). The id is inherited by every thread the run's thread
 * starts (its steps' threads, delivery's senders and recorder), which logback's MDC is
 * not: {@link ExecutionIdTurboFilter} copies it into the MDC of whichever thread logs.
 */
public final class ExecutionLogContext {

	/** The MDC key, a field of its own in structured logs. */
	public static final String MDC_KEY = "execution_id";

	private static final InheritableThreadLocal<String> CURRENT = new InheritableThreadLocal<>();

	private ExecutionLogContext() {
	}

	/** From now on this thread, and the threads it starts, log for this execution. */
	public static void enter(long jobExecutionId) {
		CURRENT.set(Long.toString(jobExecutionId));
		MDC.put(MDC_KEY, Long.toString(jobExecutionId));
	}

	/** This thread no longer logs for an execution. */
	public static void leave() {
		CURRENT.remove();
		MDC.remove(MDC_KEY);
	}

	static String current() {
		return CURRENT.get();
	}

}
