package org.invitations.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import org.invitations.spec.SpecException;

/** The {@code invitations} command line: run a spec, follow its status, read its report. */
@Command(name = "invitations", mixinStandardHelpOptions = true, version = "invitations 0.1.0",
		description = "Sends login invitations in bulk from job specs, restartably, with a per-person report.",
		subcommands = { RunCommand.class, StatusCommand.class, ReportCommand.class, ListCommand.class, HistoryCommand.class,
				ResendCommand.class, CancelCommand.class, ExpireCommand.class, RedeemCommand.class, BenchCommand.class,
				CommandLine.HelpCommand.class },
		exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:success", "1:the job failed (run the same spec again to restart it)",
				"2:bad usage, spec or input; nothing was written",
				"4:paused: the mail server refused the sender or the session (quota, rate, policy); run the same spec"
						+ " again later to go on" })
public class InvitationsCommand implements Runnable {

	/** Exit code of a failed job. */
	public static final int JOB_FAILED = 1;

	/** Exit code of bad usage, a bad spec or unusable input. */
	public static final int BAD_INPUT = 2;

	/** Exit code of a run paused because the mail server refused the sender or the session; restartable later. */
	public static final int PAUSED = 4;

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	private final SpringContext spring;

	InvitationsCommand(SpringContext spring) {
		this.spring = spring;
	}

	<T> T bean(Class<T> type) {
		return spring.bean(type);
	}

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getErr());
		throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
	}

	public static int execute(String... args) {
		return execute(SpringContext.lazy(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
	}

	/** Runs one command line and returns its exit code. */
	public static int execute(SpringContext spring, PrintWriter out, PrintWriter err, String... args) {
		CommandLine cli = new CommandLine(new InvitationsCommand(spring));
		cli.setOut(out);
		cli.setErr(err);
		cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
			Throwable cause = ex;
			while (cause != null && !(cause instanceof SpecException)) {
				cause = cause.getCause();
			}
			if (cause != null) {
				commandLine.getErr().println("error: " + cause.getMessage());
				return BAD_INPUT;
			}
			commandLine.getErr().println("error: " + ex);
			return JOB_FAILED;
		});
		try {
			return cli.execute(args);
		}
		finally {
			spring.close();
		}
	}

}
