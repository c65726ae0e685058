package org.invitations.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import org.invitations.support.InvalidSettingException;
import org.invitations.spec.SpecException;

/**
 * The {@code invitations} command line: run a spec, follow its status, read its report.
 */
@Command(name = "invitations", mixinStandardHelpOptions = true, version = "invitations 0.1.0",
		description = "Sends login invitations in bulk from job specs, restartably, with a per-person report.",
		subcommands = { RunCommand.class, StatusCommand.class, ReportCommand.class, ListCommand.class,
				HistoryCommand.class, ResendCommand.class, CancelCommand.class, ExpireCommand.class, StopCommand.class,
				RedeemCommand.class, RolesCommand.class, SuppressCommand.class, EventsCommand.class, BenchCommand.class,
				ServeCommand.class, WorkerCommand.class, UsersCommand.class, CommandLine.HelpCommand.class },
		exitCodeListHeading = "%nExit codes:%n",
		exitCodeList = { "0:success", "1:the job failed (run the same spec again to restart it)",
				"2:bad usage, spec or input, or nothing found; nothing was written",
				"3:stopped on request (SIGTERM, SIGINT or the stop command); run the same spec again to continue",
				"4:paused: the mail server refused the sender or the session (quota, rate, policy); run the same spec"
						+ " again later to go on",
				"5:the environment is unusable: cannot reach or log in to the database or the mail server" })
public class InvitationsCommand implements Runnable {

	/** Exit code of a failed job. */
	public static final int JOB_FAILED = 1;

	/** Exit code of bad usage, a bad spec or unusable input. */
	public static final int BAD_INPUT = 2;

	/** Exit code of a job stopped on request, restartable. */
	public static final int STOPPED = 3;

	/**
	 * Exit code of a run paused because the mail server refused the sender or the
	 * session; restartable later.
	 */
	public static final int PAUSED = 4;

	/**
	 * Exit code when the database or the mail server cannot be reached or refuses the
	 * login.
	 */
	public static final int ENVIRONMENT_UNUSABLE = 5;

	@Option(names = "--verbose", scope = ScopeType.INHERIT,
			description = "on failure, print the stack trace too (otherwise one line)")
	boolean verbose;

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	private final SpringContext spring;

	InvitationsCommand(SpringContext spring) {
		this.spring = spring;
	}

	<T> T bean(Class<T> type) {
		return spring.bean(type);
	}

	/**
	 * Sets a property of the application this command starts, over any configured value.
	 */
	void overrideSpring(String name, String value) {
		spring.override(name, value);
	}

	void defaultSpring(String name, String value) {
		spring.byDefault(name, value);
	}

	/**
	 * Ends the application before what it uses (such as the benchmark's own database)
	 * goes away.
	 */
	void closeSpring() {
		spring.close();
	}

	org.springframework.core.env.Environment environment() {
		return spring.environment();
	}

	@Override
	public void run() {
		spec.commandLine().usage(spec.commandLine().getErr());
		throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
	}

	public static int execute(String... args) {
		return execute(SpringContext.lazy(), new PrintWriter(System.out, true), new PrintWriter(System.err, true),
				args);
	}

	/**
	 * Runs one command line and returns its exit code. Spring Boot's own
	 * {@code --name=value} arguments (a dotted name, such as {@code --spring.mail.host=…}
	 * or {@code --logging.level.root=DEBUG}) go to the application that the command
	 * starts; picocli reads the rest.
	 */
	public static int execute(SpringContext spring, PrintWriter out, PrintWriter err, String... args) {
		List<String> commandLine = new ArrayList<>();
		List<String> springArguments = new ArrayList<>();
		boolean verbose = false;
		boolean positionalOnly = false;
		for (String arg : args) {
			positionalOnly |= arg.equals("--");
			if (!positionalOnly && arg.matches("--[A-Za-z][\\w-]*(\\.[\\w\\[\\]-]+)+=.*")) {
				springArguments.add(arg);
			}
			else {
				verbose |= !positionalOnly && arg.equals("--verbose");
				commandLine.add(arg);
			}
		}
		spring.arguments(springArguments.toArray(String[]::new));
		boolean printStackTraces = verbose;
		CommandLine cli = new CommandLine(new InvitationsCommand(spring));
		cli.setOut(out);
		cli.setErr(err);
		cli.setCaseInsensitiveEnumValuesAllowed(true);
		cli.setParameterExceptionHandler((ex, arguments) -> {
			CommandLine failed = ex.getCommandLine();
			failed.getErr().println("error: " + ex.getMessage());
			if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, failed.getErr())) {
				failed.getErr().println("See '" + failed.getCommandSpec().qualifiedName() + " --help'.");
			}
			return BAD_INPUT;
		});
		cli.setExecutionExceptionHandler((ex, command, parseResult) -> {
			PrintWriter errors = command.getErr();
			SpecException specError = Failures.find(ex, SpecException.class);
			RuntimeException notFound = Failures.find(ex, NotFoundException.class);
			if (notFound == null) {
				notFound = Failures.find(ex, ConfigurationException.class);
			}
			if (notFound == null) {
				notFound = Failures.find(ex, InvalidSettingException.class);
			}
			String setting = Failures.setting(ex);
			int code;
			if (specError != null || notFound != null) {
				errors.println("error: " + (specError != null ? specError : notFound).getMessage());
				code = BAD_INPUT;
			}
			else if (setting != null) {
				errors.println("error: " + setting);
				code = BAD_INPUT;
			}
			else {
				Failures.Failure failure = Failures.describe(ex, spring.environment());
				errors.println("error: " + failure.message());
				code = failure.environment() ? ENVIRONMENT_UNUSABLE : JOB_FAILED;
				if (!printStackTraces && !failure.environment()) {
					errors.println("(--verbose prints the stack trace)");
				}
			}
			if (printStackTraces) {
				ex.printStackTrace(errors);
			}
			return code;
		});
		try {
			return cli.execute(commandLine.toArray(String[]::new));
		}
		finally {
			spring.close();
		}
	}

}
