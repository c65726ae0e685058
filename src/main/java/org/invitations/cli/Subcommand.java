package org.invitations.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

import org.springframework.batch.core.job.JobExecution;

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
	 * Prints why a job did not complete, one line per failure: the server that could not
	 * be used, else the deepest cause, since wrappers say little.
	 */
	void printFailures(JobExecution execution) {
		for (Throwable failure : execution.getAllFailureExceptions()) {
			err().println("error: " + Failures.describe(failure, root.environment()).message());
		}
	}

}
