package org.invitations;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.sql.Connection;

import org.junit.jupiter.api.Test;

import org.invitations.cli.InvitationsCommand;
import org.invitations.cli.SpringContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database or mail server that cannot be used is one line naming it, exit code 5 (the
 * stack trace only with --verbose); something asked for that does not exist is one line,
 * exit code 2, without the usage help; and Spring Boot's own --name=value arguments
 * configure the application the command starts.
 */
class EnvironmentFailuresIT extends IntegrationTest {

	/**
	 * The command line as the jar runs it: it starts its own application from the
	 * arguments.
	 */
	private Result standalone(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = InvitationsCommand.execute(SpringContext.lazy(), new PrintWriter(out, true),
				new PrintWriter(err, true), args);
		return new Result(code, out.toString(), err.toString());
	}

	private static int closedPort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * The test database's URL, without the user and password it carries as parameters.
	 */
	private String databaseUrl() throws Exception {
		try (Connection connection = jdbc.getDataSource().getConnection()) {
			return connection.getMetaData().getURL().replaceFirst("\\?.*", "");
		}
	}

	private String[] database() throws Exception {
		return new String[] { "--spring.datasource.url=" + databaseUrl(), "--spring.datasource.username=postgres",
				"--spring.datasource.password=postgres" };
	}

	private static String[] join(String[] first, String... more) {
		return java.util.stream.Stream.concat(java.util.Arrays.stream(first), java.util.Arrays.stream(more))
			.toArray(String[]::new);
	}

	@Test
	void unreachableDatabaseIsOneLineNamingItAndExitCode5() throws Exception {
		int port = closedPort();

		Result status = standalone("status",
				"--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/invitations");

		assertThat(status.exitCode()).isEqualTo(InvitationsCommand.ENVIRONMENT_UNUSABLE).isEqualTo(5);
		assertThat(status.err()).isEqualTo("error: cannot reach PostgreSQL at 127.0.0.1:" + port
				+ ": connection refused" + System.lineSeparator());
		assertThat(status.out()).isEmpty();

		Result verbose = standalone("--verbose", "status",
				"--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + port + "/invitations");
		assertThat(verbose.exitCode()).isEqualTo(5);
		assertThat(verbose.err()).startsWith("error: cannot reach PostgreSQL at 127.0.0.1:" + port)
			.contains("\tat org.postgresql.");
	}

	@Test
	void refusedLoginNamesTheUser() throws Exception {
		Result status = standalone("status", "--spring.datasource.url=" + databaseUrl(),
				"--spring.datasource.username=nobody", "--spring.datasource.password=wrong");

		assertThat(status.exitCode()).isEqualTo(5);
		assertThat(status.err().lines()).singleElement()
			.asString()
			.matches("error: PostgreSQL at \\S+:\\d+ refused the login of user nobody: .+");
	}

	@Test
	void springBootArgumentsConfigureTheDatabaseAndMailServerOfAnyCommand() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,Person\nb@example.org,B,Person\n");
		String spec = spec("args", "people.csv").toString();

		Result run = standalone(join(database(), "run", spec, "--spring.mail.host=127.0.0.1",
				"--spring.mail.port=" + SMTP_PATH.port(), "--invitations.mail.connections=2"));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("a@example.org", "b@example.org");
		assertThat(run.out()).contains("Mail went to the SMTP server 127.0.0.1:" + SMTP_PATH.port());
		Result status = standalone(join(database(), "status"));
		assertThat(status.exitCode()).isZero();
		assertThat(status.out()).contains("args");
	}

	@Test
	void unreachableMailServerIsNamedAtStartAndMidRun() throws Exception {
		write("people.csv", peopleCsv(6));
		String spec = spec("smtp", "people.csv").toString();
		int port = closedPort();

		Result atStart = standalone(
				join(database(), "run", spec, "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + port));

		assertThat(atStart.exitCode()).isNotZero();
		assertThat(atStart.err()).contains("error: SMTP server 127.0.0.1:" + port + " unreachable: connection refused")
			.doesNotContain("\tat ");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isEqualTo(6);

		SMTP_PATH.failAfterMessages(0);
		Result midRun = cli("run", spec);
		assertThat(midRun.exitCode()).isNotZero();
		assertThat(midRun.err()).contains("error: SMTP server 127.0.0.1:" + SMTP_PATH.port()).doesNotContain("\tat ");
	}

	@Test
	void anEmptyMailHostIsRefusedInOneLine() throws Exception {
		Result status = standalone(join(database(), "status", "--spring.mail.host="));

		assertThat(status.exitCode()).isEqualTo(2);
		assertThat(status.err()).isEqualTo("error: spring.mail.host (SPRING_MAIL_HOST) is set but empty: set it to the"
				+ " SMTP server's name, or unset it to write the emails to the outbox folder" + System.lineSeparator());
	}

	@Test
	void aDestinationLimitThatCannotMeanAnythingIsRefusedInOneLine() throws Exception {
		Result negative = standalone(
				join(database(), "status", "--invitations.mail.destinations.google.per-second=-1"));

		assertThat(negative.exitCode()).isEqualTo(2);
		assertThat(negative.err()).isEqualTo("error: invitations.mail.destinations.google.per-second must be 0"
				+ " (no limit) or more, not -1.0" + System.lineSeparator());

		Result word = standalone(join(database(), "status", "--invitations.mail.destinations.google.per-second=fast"));

		assertThat(word.exitCode()).isEqualTo(2);
		assertThat(word.err()).startsWith("error: invitations.mail.destinations.google.per-second cannot be read: ")
			.hasLineCount(1);
	}

	@Test
	void directSmtpIsAnInvitationsMailPropertyAndTheOldKeyStillWorks() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,Person\n");
		String spec = spec("angus", "people.csv").toString();
		String[] mail = { "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + SMTP_PATH.port() };

		Result angus = standalone(join(join(database(), mail), "run", spec, "--invitations.mail.direct-smtp=false"));
		assertThat(angus.exitCode()).as(angus.err()).isZero();
		assertThat(angus.out()).contains("Mail went to the SMTP server 127.0.0.1:" + SMTP_PATH.port()
				+ " (Angus Mail, since invitations.mail.direct-smtp=false)");
		assertThat(received()).hasSize(1);

		Result old = standalone(
				join(join(database(), mail), "status", "--spring.mail.properties.invitations.direct-smtp=false"));
		assertThat(old.exitCode()).as(old.err()).isZero();

		Result direct = standalone(join(join(database(), mail), "run", spec("direct", "people.csv").toString()));
		assertThat(direct.out()).contains("(built-in client, plain SMTP, pipelining when offered)");
	}

	@Test
	void benchUsesItsOwnDatabaseUnlessGivenOne() throws Exception {
		Result bench = standalone(join(database(), "bench", "--people", "300", "--chunk-size", "100"));

		assertThat(bench.exitCode()).as(bench.out() + bench.err()).isZero();
		assertThat(bench.out()).containsPattern("database: a new embedded PostgreSQL in (\\S+), deleted afterwards")
			.contains("OK: exactly 300 distinct messages");
		String folder = bench.out().replaceAll("(?s).*database: a new embedded PostgreSQL in (\\S+), deleted.*", "$1");
		assertThat(java.nio.file.Path.of(folder)).doesNotExist();
		assertThat(count("SELECT count(*) FROM person")).as("the configured database is left alone").isZero();
		assertThat(System.getProperty("spring.datasource.url")).isNull();

		Result given = standalone(
				join(database(), "bench", "--people", "50", "--chunk-size", "50", "--database", databaseUrl()));
		assertThat(given.exitCode()).as(given.out() + given.err()).isZero();
		assertThat(given.out()).contains("database: " + databaseUrl() + " (given with --database)");
		assertThat(count("SELECT count(*) FROM person")).isEqualTo(50);
	}

	@Test
	void nothingFoundIsOneLineWithoutTheUsage() {
		for (String[] args : new String[][] { { "report", "999" }, { "report", "999", "--format", "csv" },
				{ "status", "999" }, { "history", "nobody@example.org" }, { "history", "999" } }) {
			Result result = cli(args);
			assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(2);
			assertThat(result.err().lines()).as(String.join(" ", args))
				.singleElement()
				.asString()
				.startsWith("error: no ");
			assertThat(result.out()).isEmpty();
		}
	}

}
