package org.invitations;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.invitations.cli.InvitationsCommand;
import org.invitations.cli.SpringContext;
import org.invitations.testsupport.SmtpFaultProxy;
import org.invitations.testsupport.TestDatabase;

/**
 * Base of the integration tests: the application against a real PostgreSQL and a real
 * SMTP server (GreenMail, one per test JVM), driven through its command line; each test
 * starts from empty tables and an empty mailbox.
 */
@SpringBootTest(properties = { "invitations.mail.from=Example Parish <no-reply@example.org>",
		"spring.mail.host=127.0.0.1", "invitations.mail.retry.delay=20ms", "invitations.mail.retry.max-delay=100ms",
		"invitations.mail.retry.jitter=5ms", "spring.mail.properties.mail.smtp.connectiontimeout=2000",
		"spring.mail.properties.mail.smtp.timeout=2000" })
@Import(TestDatabase.class)
public abstract class IntegrationTest {

	protected static final GreenMail SMTP = startSmtp();

	/**
	 * Every test sends through it; it forwards everything until a test tells it to fail.
	 */
	protected static final SmtpFaultProxy SMTP_PATH = SmtpFaultProxy.start(SMTP.getSmtp().getPort());

	@Autowired
	protected JdbcTemplate jdbc;

	@Autowired
	protected ApplicationContext context;

	@TempDir
	protected Path dir;

	private static GreenMail startSmtp() {
		GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
		greenMail.start();
		Runtime.getRuntime().addShutdownHook(new Thread(greenMail::stop));
		return greenMail;
	}

	@DynamicPropertySource
	static void smtp(DynamicPropertyRegistry registry) {
		registry.add("spring.mail.port", SMTP_PATH::port);
	}

	@BeforeEach
	void emptyDatabaseAndMailbox() throws Exception {
		// Every table but Flyway's, so that a table added by a later migration (claims
		// left by a test that failed a
		// run, links kept beside re-sent ones) never carries one test's rows into the
		// next.
		List<String> tables = jdbc.queryForList("""
				SELECT quote_ident(tablename) FROM pg_tables
				WHERE schemaname = current_schema() AND tablename <> 'flyway_schema_history'
				""", String.class);
		jdbc.execute("TRUNCATE " + String.join(", ", tables) + " RESTART IDENTITY CASCADE");
		SMTP.purgeEmailFromAllMailboxes();
		SMTP_PATH.restore();
		// A new database has the roles the shipped samples grant; the truncation removed
		// them: add them back the
		// documented way.
		addRole("volunteer");
		addRole("coordinator");
	}

	/**
	 * Adds a role with the roles command, as an operator does before a spec grants it.
	 */
	protected void addRole(String name) {
		Result added = cli("roles", "add", name, "--description", "The " + name + "s of the tests");
		if (added.exitCode() != 0) {
			throw new IllegalStateException("roles add " + name + ": " + added.err());
		}
	}

	/** What one command line printed and returned. */
	protected record Result(int exitCode, String out, String err) {
	}

	protected Result cli(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = InvitationsCommand.execute(SpringContext.of(context), new PrintWriter(out, true),
				new PrintWriter(err, true), args);
		return new Result(code, out.toString(), err.toString());
	}

	protected Path write(String name, String content) throws IOException {
		Path file = dir.resolve(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, content);
		return file;
	}

	/**
	 * A CSV of n people, p1@example.org to pN@example.org, with the required columns
	 * only.
	 */
	public static String peopleCsv(int n) {
		return "email,first_name,last_name\n" + IntStream.rangeClosed(1, n)
			.mapToObj(i -> "p" + i + "@example.org,P" + i + ",Person")
			.collect(Collectors.joining("\n"));
	}

	/** A spec for a CSV in the same folder, with the given extra lines. */
	protected Path spec(String name, String csv, String... extra) throws IOException {
		return spec(name, csv, 3, extra);
	}

	/**
	 * A spec for a CSV in the same folder, in chunks of the given size, with the given
	 * extra lines.
	 */
	protected Path spec(String name, String csv, int chunkSize, String... extra) throws IOException {
		StringBuilder yaml = new StringBuilder("""
				name: %s
				source:
				  csv: %s
				role: volunteer
				chunk-size: %d
				link-base-url: https://crm.example.org/set-password
				organisation: Example Parish
				""".formatted(name, csv, chunkSize));
		for (String line : extra) {
			yaml.append(line).append('\n');
		}
		return write(name + ".yml", yaml.toString());
	}

	/**
	 * Starts {@code run SPEC} in a JVM of its own on this test's database and mail
	 * server, its output in {@code log}: for what only a separate process can show
	 * (signals, kill -9).
	 */
	protected Process startChild(Path spec, Path log, String... jvmOptions) throws IOException {
		return startChildCommand(log, List.of(jvmOptions), "run", spec.toString());
	}

	/**
	 * Starts any command in a JVM of its own on this test's database and mail server, its
	 * output in {@code log}.
	 */
	protected Process startChildCommand(Path log, List<String> jvmOptions, String... args) throws IOException {
		JdbcConnectionDetails database = context.getBean(JdbcConnectionDetails.class);
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"),
				"-Dspring.datasource.url=" + database.getJdbcUrl(),
				"-Dspring.datasource.username=" + database.getUsername(),
				"-Dspring.datasource.password=" + database.getPassword(), "-Dspring.mail.host=127.0.0.1",
				"-Dspring.mail.port=" + SMTP.getSmtp().getPort(),
				"-Dinvitations.mail.from=Example Parish <no-reply@example.org>",
				"org.invitations.InvitationsApplication"));
		command.addAll(List.of(args));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	protected List<MimeMessage> received() {
		return List.of(SMTP.getReceivedMessages());
	}

	/** The id of the newest job execution, as the report and status commands take it. */
	protected String lastExecution() {
		return jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", String.class);
	}

	protected long count(String sql, Object... args) {
		return jdbc.queryForObject(sql, Long.class, args);
	}

}
