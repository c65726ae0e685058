package org.invitations.cli;

import java.io.PrintWriter;

import picocli.CommandLine;

import org.springframework.batch.core.job.JobExecution;

/** What every subcommand has: its picocli model, the root command's Spring beans, its output streams. */
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

	/** Prints why a job did not complete, the deepest cause of each failure: wrappers say little. */
	void printFailures(JobExecution execution) {
		for (Throwable failure : execution.getAllFailureExceptions()) {
			Throwable root = failure;
			while (root.getCause() != null && root.getCause() != root) {
				root = root.getCause();
			}
			err().println("error: " + (root.getMessage() != null ? root.getMessage() : root.toString()));
		}
	}

}
