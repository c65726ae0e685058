package org.invitations.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * What every subcommand has: its picocli model, the root command's Spring beans, its
 * output streams.
 */
abstract class Subcommand {

	@CommandLine.Spec
	CommandLine.Model.CommandSpec command;

	@CommandLine.ParentCommand
	InvitationsCommand root;

	<T> T bean(Class<T> type) {
		return root.bean(type);
	}

	PrintWriter out() {
		return command.commandLine().getOut();
	}

	PrintWriter err() {
		return command.commandLine().getErr();
	}

	CommandLine.ParameterException usage(String message) {
		return new CommandLine.ParameterException(command.commandLine(), message);
	}

	/**
	 * Something asked for does not exist: one line and exit code 2, without the usage
	 * help.
	 */
	NotFoundException notFound(String message) {
		return new NotFoundException(message);
	}

	/**
	 * Prints why a job did not complete: a lost database in one line naming it, else one
	 * line per failure, the server that could not be used or the deepest cause, since
	 * wrappers say little.
	 */
	void printFailures(JobExecution execution) {
		List<Throwable> failures = execution.getAllFailureExceptions();
		String lost = DatabaseLoss.describe(failures, databaseUrl());
		if (lost != null) {
			err().println("error: " + lost);
			return;
		}
		failures.stream()
			.map(failure -> "error: " + Failures.describe(failure, root.environment()).message())
			.distinct()
			.forEach(err()::println);
	}

	/**
	 * Runs what a job's command does once the application is up. A database lost
	 * meanwhile, while the job runs or while its outcome is read, is one line naming the
	 * server and exit code 1, as for any failed run: the same command restarts it. (One
	 * that cannot be reached when the application starts is exit code 5, from the start.)
	 */
	int whileRunning(Callable<Integer> command) throws Exception {
		try {
			return command.call();
		}
		catch (Exception ex) {
			String lost = DatabaseLoss.describe(List.of(ex), databaseUrl());
			if (lost == null) {
				throw ex;
			}
			err().println("error: " + lost);
			if (root.verbose) {
				ex.printStackTrace(err());
			}
			return InvitationsCommand.JOB_FAILED;
		}
	}

	/** The JDBC URL of the application's database, to name its server. */
	private @Nullable String databaseUrl() {
		try {
			return bean(JdbcConnectionDetails.class).getJdbcUrl();
		}
		catch (RuntimeException ex) {
			return root.environment() == null ? null : root.environment().getProperty("spring.datasource.url");
		}
	}

}
