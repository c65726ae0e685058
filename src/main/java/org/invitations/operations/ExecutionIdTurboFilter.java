package org.invitations.operations;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the execution id the logging thread inherited ({@link ExecutionLogContext}) into
 * its MDC before logback builds the event, so that the pattern and the structured formats
 * show it on every line of a run, whichever thread logs. It decides nothing; a line that
 * is written costs two thread-local reads, one that is not costs nothing.
 */
public class ExecutionIdTurboFilter extends TurboFilter {

	@Override
	public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
		// Called for every check of a level, most of them for debug lines that are not
		// written (a JDBC call makes several): those need no MDC.
		if (level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel())) {
			return FilterReply.NEUTRAL;
		}
		String execution = ExecutionLogContext.current();
		String logged = MDC.get(ExecutionLogContext.MDC_KEY);
		if (execution == null ? logged != null : !execution.equals(logged)) {
			if (execution == null) {
				MDC.remove(ExecutionLogContext.MDC_KEY);
			}
			else {
				MDC.put(ExecutionLogContext.MDC_KEY, execution);
			}
		}
		return FilterReply.NEUTRAL;
	}

}
