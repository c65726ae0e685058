package org.invitations.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.user.ConsoleRole;
import org.invitations.user.ConsoleUsers;

/**
 * {@code users}: who may sign in to the console ({@code serve}) and which API keys
 * machine clients use.
 */
@Command(name = "users", mixinStandardHelpOptions = true,
		description = { "Console users and API keys. Roles: viewer (reads), operator (also launches, resends, cancels,",
				"stops), admin (also manages users). Passwords are read from standard input, or prompted for without",
				"echo on a terminal; only their hashes are stored." },
		subcommands = { UsersCommand.Add.class, UsersCommand.Passwd.class, UsersCommand.Remove.class,
				UsersCommand.Keys.class })
class UsersCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
		.withZone(ZoneOffset.UTC);

	/** {@code users} alone lists them. */
	@Override
	public Integer call() {
		out().printf("%-24s %-9s %s%n", "NAME", "ROLE", "CREATED");
		for (ConsoleUsers.User user : bean(ConsoleUsers.class).list()) {
			out().printf("%-24s %-9s %s%n", user.name(), user.role().name().toLowerCase(java.util.Locale.ROOT),
					TIME.format(user.createdAt()));
		}
		return 0;
	}

	/** What the subcommands share: the root's beans and a password read safely. */
	abstract static class UserSubcommand {

		@picocli.CommandLine.Spec
		picocli.CommandLine.Model.CommandSpec command;

		@picocli.CommandLine.ParentCommand
		Object parent;

		java.io.PrintWriter out() {
			return command.commandLine().getOut();
		}

		java.io.PrintWriter err() {
			return command.commandLine().getErr();
		}

		picocli.CommandLine.ParameterException usage(String message) {
			return new picocli.CommandLine.ParameterException(command.commandLine(), message);
		}

		NotFoundException notFound(String message) {
			return new NotFoundException(message);
		}

		<T> T bean(Class<T> type) {
			Object up = parent;
			while (up instanceof UserSubcommand sub) {
				up = sub.parent;
			}
			return ((UsersCommand) up).bean(type);
		}

		ConsoleRole role(String text) {
			try {
				return ConsoleRole.parse(text);
			}
			catch (IllegalArgumentException ex) {
				throw usage("--role " + ex.getMessage().substring("role ".length()));
			}
		}

		/**
		 * From a terminal: asked twice without echo; otherwise the first line of standard
		 * input.
		 */
		char[] password(String prompt) {
			Console console = System.console();
			if (console != null) {
				char[] first = console.readPassword("%s: ", prompt);
				char[] second = console.readPassword("Again: ");
				if (first == null || !Arrays.equals(first, second)) {
					throw usage("the two passwords differ");
				}
				return first;
			}
			try {
				String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
				if (line == null || line.isEmpty()) {
					throw usage("no password on standard input (give it as the first line, e.g. from a secret file)");
				}
				return line.toCharArray();
			}
			catch (IOException ex) {
				throw usage("cannot read the password from standard input: " + ex.getMessage());
			}
		}

		/**
		 * Asks for a password, hands it to {@code use} and wipes it afterwards, whatever
		 * happens; a password the console's rules refuse is a usage error.
		 */
		void withPassword(String prompt, Consumer<char[]> use) {
			char[] password = password(prompt);
			try {
				use.accept(password);
			}
			catch (IllegalArgumentException ex) {
				throw usage(ex.getMessage());
			}
			finally {
				Arrays.fill(password, '\0');
			}
		}

	}

	@Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a console user.")
	static class Add extends UserSubcommand implements Callable<Integer> {

		@Parameters(paramLabel = "NAME")
		String name;

		@Option(names = "--role", required = true, description = "viewer, operator or admin")
		String role;

		@Override
		public Integer call() {
			ConsoleRole checked = role(role);
			withPassword("Password for " + name, password -> bean(ConsoleUsers.class).add(name, checked, password));
			out().println("User " + name.strip() + " added as " + checked.name().toLowerCase(java.util.Locale.ROOT));
			return 0;
		}

	}

	@Command(name = "passwd", mixinStandardHelpOptions = true, description = "Sets a console user's password.")
	static class Passwd extends UserSubcommand implements Callable<Integer> {

		@Parameters(paramLabel = "NAME")
		String name;

		@Override
		public Integer call() {
			ConsoleUsers users = bean(ConsoleUsers.class);
			if (users.find(name).isEmpty()) {
				throw notFound("no console user " + name);
			}
			withPassword("New password for " + name, password -> users.changePassword(name, password));
			out().println("Password of " + name + " changed");
			return 0;
		}

	}

	@Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a console user.")
	static class Remove extends UserSubcommand implements Callable<Integer> {

		@Parameters(paramLabel = "NAME")
		String name;

		@Override
		public Integer call() {
			if (!bean(ConsoleUsers.class).remove(name)) {
				throw notFound("no console user " + name);
			}
			out().println("User " + name + " removed");
			return 0;
		}

	}

	@Command(name = "key", mixinStandardHelpOptions = true,
			description = "API keys for machine clients: 'key add NAME --role R' prints the key once; 'key remove NAME'.",
			subcommands = { KeyAdd.class, KeyRemove.class })
	static class Keys extends UserSubcommand implements Callable<Integer> {

		@Override
		public Integer call() {
			out().printf("%-24s %-9s %-18s %s%n", "NAME", "ROLE", "CREATED", "LAST USED");
			for (ConsoleUsers.ApiKey key : bean(ConsoleUsers.class).keys()) {
				out().printf("%-24s %-9s %-18s %s%n", key.name(), key.role().name().toLowerCase(java.util.Locale.ROOT),
						TIME.format(key.createdAt()),
						key.lastUsedAt() == null ? "never" : TIME.format(key.lastUsedAt()));
			}
			return 0;
		}

	}

	@Command(name = "add", mixinStandardHelpOptions = true,
			description = "Creates an API key and prints it once: only its hash is stored.")
	static class KeyAdd extends UserSubcommand implements Callable<Integer> {

		@Parameters(paramLabel = "NAME")
		String name;

		@Option(names = "--role", required = true, description = "viewer, operator or admin")
		String role;

		@Override
		public Integer call() {
			ConsoleRole checked = role(role);
			try {
				out().println(bean(ConsoleUsers.class).addKey(name, checked));
			}
			catch (IllegalArgumentException ex) {
				throw usage(ex.getMessage());
			}
			err().println("API key " + name.strip() + " (" + checked.name().toLowerCase(java.util.Locale.ROOT)
					+ ") created; it is shown this once");
			return 0;
		}

	}

	@Command(name = "remove", mixinStandardHelpOptions = true,
			description = "Removes an API key: it stops working at once.")
	static class KeyRemove extends UserSubcommand implements Callable<Integer> {

		@Parameters(paramLabel = "NAME")
		String name;

		@Override
		public Integer call() {
			if (!bean(ConsoleUsers.class).removeKey(name)) {
				throw notFound("no API key " + name);
			}
			out().println("API key " + name + " removed");
			return 0;
		}

	}

}
