package org.invitations.cli;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a run that lost its database (a restart, a failover, a server stopped) from other
 * failures, and says so in one line naming the server and the cause. Spring Batch then
 * records several failures, each of them a symptom (a rollback on a closed connection, a
 * step that asked to terminate because its metadata could not be saved): none of them is
 * what an operator needs to read.
 */
final class DatabaseLoss {

	/**
	 * PostgreSQL ended the session: admin_shutdown, crash_shutdown, cannot_connect_now.
	 */
	private static final List<String> SHUTDOWN = List.of("57P01", "57P02", "57P03");

	/** What HikariCP says of a pooled connection it has closed after a fatal error. */
	private static final String CLOSED = "Connection is closed";

	private static final Pattern SERVER = Pattern.compile("jdbc:postgresql://([^/?]*)(?:/([^?]*))?.*");

	private DatabaseLoss() {
	}

	/**
	 * One line for these failures if any of them is the database gone away, else null.
	 * @param jdbcUrl the application's JDBC URL, to name the server
	 */
	static @Nullable String describe(List<Throwable> failures, @Nullable String jdbcUrl) {
		String cause = null;
		int best = Integer.MAX_VALUE;
		for (Throwable failure : failures) {
			for (Cause candidate : causes(failure, false, new ArrayList<>())) {
				int rank = rank(candidate);
				if (rank < best) {
					best = rank;
					cause = reason(candidate.cause());
				}
			}
		}
		return cause == null ? null : "database server " + server(jdbcUrl) + " unavailable: " + cause;
	}

	/**
	 * A cause of a failure, and whether a JDBC driver or pool reported it (is below an
	 * SQLException): a refused connection to the mail server is no database gone.
	 */
	private record Cause(Throwable cause, boolean viaJdbc) {
	}

	/**
	 * Every cause of a failure, with the exception a failed rollback hid (Spring keeps it
	 * beside the rollback's own).
	 */
	private static List<Cause> causes(Throwable failure, boolean viaJdbc, List<Cause> causes) {
		boolean jdbc = viaJdbc;
		for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			Throwable current = cause;
			if (causes.stream().anyMatch(seen -> seen.cause() == current)) {
				break;
			}
			causes.add(new Cause(cause, jdbc));
			jdbc |= cause instanceof SQLException;
			if (cause instanceof TransactionSystemException rollback && rollback.getApplicationException() != null) {
				causes(rollback.getApplicationException(), jdbc, causes);
			}
		}
		return causes;
	}

	/**
	 * How telling a cause is, lower first: PostgreSQL's own words when it shut down, then
	 * why no connection could be made, then any lost connection; MAX_VALUE for a cause
	 * that is not the database gone.
	 */
	private static int rank(Cause found) {
		Throwable cause = found.cause();
		if (cause instanceof SQLException sql && SHUTDOWN.contains(String.valueOf(sql.getSQLState()))) {
			return 0;
		}
		if (found.viaJdbc() && (cause instanceof ConnectException || cause instanceof UnknownHostException
				|| cause instanceof SocketTimeoutException)) {
			return 1;
		}
		if (cause instanceof SQLException sql && String.valueOf(sql.getSQLState()).startsWith("08")) {
			return 2;
		}
		if (cause instanceof SQLTransientConnectionException
				|| cause instanceof SQLException sql && CLOSED.equals(sql.getMessage())) {
			return 3;
		}
		return Integer.MAX_VALUE;
	}

	private static String reason(Throwable cause) {
		if (cause instanceof ConnectException) {
			return "connection refused";
		}
		if (cause instanceof UnknownHostException) {
			return "unknown host " + cause.getMessage();
		}
		if (cause instanceof SocketTimeoutException) {
			return "timed out";
		}
		if (cause instanceof SQLException sql && CLOSED.equals(sql.getMessage())) {
			return "the connection was closed";
		}
		String message = String.valueOf(cause.getMessage());
		int newline = message.indexOf('\n');
		message = (newline < 0 ? message : message.substring(0, newline)).strip();
		return message.replaceFirst("^(FATAL|ERROR):\\s*", "");
	}

	/**
	 * HOST:PORT/DATABASE of a PostgreSQL JDBC URL (port 5432 when it names none), or the
	 * URL itself, never its parameters.
	 */
	static String server(@Nullable String jdbcUrl) {
		if (jdbcUrl == null) {
			return "(no JDBC URL)";
		}
		Matcher matcher = SERVER.matcher(jdbcUrl);
		if (!matcher.matches()) {
			// Not PostgreSQL's form: the URL without its parameters, which may hold a
			// password.
			int parameters = jdbcUrl.indexOf('?');
			return parameters < 0 ? jdbcUrl : jdbcUrl.substring(0, parameters);
		}
		String hosts = Arrays.stream(matcher.group(1).split(","))
			.map(host -> host.matches(".*:\\d+") ? host : host + ":5432")
			.collect(Collectors.joining(","));
		String database = matcher.group(2);
		return database == null || database.isEmpty() ? hosts : hosts + "/" + database;
	}

}
