package org.invitations.cli;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.core.env.Environment;
import org.invitations.delivery.StoppedAnsweringException;
import org.invitations.smtp.MailServerUnavailableException;

/**
 * Turns a failure into the one line an operator reads, and tells a database or mail
 * server that cannot be used (exit code 5) from everything else: the stack trace says
 * little to them and hides the server's name.
 */
final class Failures {

	private static final Pattern JDBC_SERVER = Pattern.compile("jdbc:postgresql://([^/?]+)(/([^?]*))?.*");

	private static final Pattern REFUSED_SERVER = Pattern.compile("Connection to (\\S+) refused");

	private static final Pattern USER = Pattern.compile("user \"([^\"]*)\"");

	private Failures() {
	}

	/**
	 * A failure as one line.
	 *
	 * @param message what happened, naming the server when it was one
	 * @param environment whether the database or the mail server could not be used
	 */
	record Failure(String message, boolean environment) {
	}

	static Failure describe(Throwable failure, Environment environment) {
		SQLException sql = find(failure, SQLException.class);
		if (sql != null && sql.getSQLState() != null) {
			String state = sql.getSQLState();
			String server = database(environment, sql);
			if (state.startsWith("08")) {
				return new Failure("cannot reach PostgreSQL at " + server + ": " + reason(failure), true);
			}
			if (state.equals("28P01") || state.equals("28000")) {
				return new Failure("PostgreSQL at " + server + " refused the login of user " + user(environment, sql)
						+ ": " + serverMessage(sql), true);
			}
			if (state.equals("3D000")) {
				return new Failure("PostgreSQL at " + server + ": " + serverMessage(sql), true);
			}
		}
		MailServerUnavailableException mail = find(failure, MailServerUnavailableException.class);
		if (mail != null) {
			String host = environment == null ? null : environment.getProperty("spring.mail.host");
			if (host == null || host.isBlank()) {
				return new Failure(mail.getMessage(), true);
			}
			String server = "SMTP server " + host + ":" + environment.getProperty("spring.mail.port", "25");
			if (mail instanceof StoppedAnsweringException silent) {
				return new Failure(server + " stopped answering: " + silent.detail(), true);
			}
			if (isUnreachable(deepest(failure))) {
				return new Failure(server + " unreachable: " + reason(failure), true);
			}
			String message = mail.getMessage();
			return new Failure(message != null && message.contains("SMTP server") ? message : server + ": " + message,
					true);
		}
		return new Failure(message(deepest(failure)), false);
	}

	/**
	 * A setting that cannot be bound, as one line naming its property; null when the
	 * failure is not one. The application's own checks name the property themselves.
	 */
	static String setting(Throwable failure) {
		BindException bind = find(failure, BindException.class);
		if (bind == null) {
			return null;
		}
		String property = bind.getProperty() != null ? bind.getProperty().getName().toString()
				: bind.getName().toString();
		String cause = message(deepest(failure));
		return cause.contains(property) || cause.startsWith("invitations.") ? cause
				: property + " cannot be read: " + cause;
	}

	private static boolean isUnreachable(Throwable root) {
		return root instanceof ConnectException || root instanceof UnknownHostException
				|| root instanceof NoRouteToHostException
				|| (root instanceof SocketTimeoutException && String.valueOf(root.getMessage()).contains("onnect"));
	}

	/** Why a connection failed, in a few plain words. */
	private static String reason(Throwable failure) {
		Throwable root = deepest(failure);
		if (root instanceof UnknownHostException) {
			return "unknown host " + root.getMessage();
		}
		if (root instanceof SocketTimeoutException) {
			return "timed out";
		}
		if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
			String message = root.getMessage() == null ? "connection refused" : root.getMessage();
			int detail = message.indexOf(" (");
			return (detail > 0 ? message.substring(0, detail) : message).toLowerCase(Locale.ROOT);
		}
		return message(root);
	}

	private static String database(Environment environment, SQLException sql) {
		String url = environment == null ? null : environment.getProperty("spring.datasource.url");
		if (url != null) {
			Matcher matcher = JDBC_SERVER.matcher(url);
			if (matcher.matches()) {
				String server = matcher.group(1);
				return server.contains(":") ? server : server + ":5432";
			}
		}
		Matcher refused = REFUSED_SERVER.matcher(String.valueOf(sql.getMessage()));
		return refused.find() ? refused.group(1) : url != null ? url : "the embedded database";
	}

	private static String user(Environment environment, SQLException sql) {
		Matcher matcher = USER.matcher(String.valueOf(sql.getMessage()));
		if (matcher.find()) {
			return matcher.group(1);
		}
		String user = environment == null ? null : environment.getProperty("spring.datasource.username");
		return user == null ? "(none given)" : user;
	}

	/** PostgreSQL's own sentence, without its "FATAL:" prefix. */
	private static String serverMessage(SQLException sql) {
		String message = firstLine(sql.getMessage());
		return message.replaceFirst("^(FATAL|ERROR):\\s*", "");
	}

	static <T extends Throwable> T find(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	static Throwable deepest(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private static String message(Throwable failure) {
		return failure.getMessage() != null ? firstLine(failure.getMessage()) : failure.toString();
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int newline = message.indexOf('\n');
		return (newline < 0 ? message : message.substring(0, newline)).strip();
	}

}
