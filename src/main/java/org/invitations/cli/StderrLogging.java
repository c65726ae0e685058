package org.invitations.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logback's configuration until Spring Boot sets up its own (logback-spring.xml):
 * warnings and errors to stderr. Without it, whatever logs before the application starts
 * (the benchmark's own embedded PostgreSQL, say) goes to stdout at DEBUG, through
 * logback's fallback, and a command's output is no longer its result alone.
 */
public class StderrLogging extends ContextAwareBase implements Configurator {

	@Override
	public ExecutionStatus configure(LoggerContext context) {
		PatternLayoutEncoder encoder = new PatternLayoutEncoder();
		encoder.setContext(context);
		encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %msg%n");
		encoder.start();
		ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
		console.setContext(context);
		console.setName("STDERR");
		console.setTarget("System.err");
		console.setEncoder(encoder);
		console.start();
		ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
		root.setLevel(Level.WARN);
		root.addAppender(console);
		return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
	}

}
