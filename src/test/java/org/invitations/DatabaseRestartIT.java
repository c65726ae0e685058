package org.invitations;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A PostgreSQL of its own, on a fixed port, is restarted (a failover, an upgrade,
 * {@code pg_ctl restart}) or stopped while a separate JVM runs the job on it. That run
 * ends, saying so in one line that names the database server, and the next run of the
 * same spec completes it with no manual step: everyone is mailed, twice at most those the
 * report counts as in doubt.
 */
class DatabaseRestartIT extends IntegrationTest {

	private static final int PEOPLE = 150;

	private Path data;

	private int port;

	private EmbeddedPostgres database;

	private JdbcTemplate own;

	@BeforeEach
	void startOwnDatabase() throws IOException {
		data = Files.createTempDirectory("restart-pg");
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		database = start();
		own = new JdbcTemplate(new DriverManagerDataSource(url(), "postgres", "postgres"));
	}

	@AfterEach
	void stopOwnDatabase() throws IOException {
		database.close();
	}

	@Test
	void restartedMidDeliveryTheNextRunCompletesTheRun() throws Exception {
		write("deliver.csv", people(PEOPLE));
		Path spec = spec("deliver", "deliver.csv", "throttle:", "  per-second: 60");
		Process child = child(spec, "first.log");
		await(() -> received().size() >= 30, child, "first.log");

		restartDatabase();

		assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(read("first.log")).isTrue();
		assertThat(child.exitValue()).as(read("first.log")).isEqualTo(1);
		assertOneErrorLineNamingTheDatabase("first.log");
		runAgainCompletes(spec, PEOPLE, child.pid());
	}

	@Test
	void stoppedMidDeliveryTheRunFailsInOneLineAndOnceItIsBackTheNextRunCompletesIt() throws Exception {
		write("stopped.csv", people(PEOPLE));
		Path spec = spec("stopped", "stopped.csv", "throttle:", "  per-second: 60");
		Process child = child(spec, "first.log");
		await(() -> received().size() >= 30, child, "first.log");

		database.close();

		assertThat(child.waitFor(120, TimeUnit.SECONDS)).as(read("first.log")).isTrue();
		assertThat(child.exitValue()).as(read("first.log")).isEqualTo(1);
		assertOneErrorLineNamingTheDatabase("first.log");
		database = start();
		runAgainCompletes(spec, PEOPLE, child.pid());
	}

	@Test
	void restartedMidSelectTheNextRunCompletesTheRun() throws Exception {
		int people = 600;
		write("select.csv", people(people));
		Path spec = spec("select", "select.csv");
		Process child = child(spec, "first.log");
		await(() -> selecting(), child, "first.log");

		restartDatabase();

		assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(read("first.log")).isTrue();
		assertThat(child.exitValue()).as(read("first.log")).isEqualTo(1);
		assertThat(own.queryForObject("SELECT count(*) FROM job_report_row", Long.class)).isLessThan(people);
		assertOneErrorLineNamingTheDatabase("first.log");
		runAgainCompletes(spec, people, child.pid());
	}

	/** Whether the select step is under way (the schema may not even exist yet). */
	private boolean selecting() {
		try {
			return own.queryForObject(
					"""
							SELECT count(*) FROM batch_step_execution WHERE step_name = 'select' AND status = 'STARTED' AND read_count >= 30
							""",
					Long.class) > 0;
		}
		catch (org.springframework.dao.DataAccessException ex) {
			return false;
		}
	}

	/**
	 * The run that lost its database says so in one line naming the server, and nothing
	 * of Spring Batch's internals.
	 */
	private void assertOneErrorLineNamingTheDatabase(String log) {
		String said = read(log);
		System.out.println(log + " said: " + said.lines().filter(line -> line.startsWith("error:")).toList());
		assertThat(said.lines().filter(line -> line.startsWith("error:"))).as(said)
			.singleElement(as(InstanceOfAssertFactories.STRING))
			.startsWith("error: database server localhost:" + port + "/postgres unavailable: ");
		assertThat(said).doesNotContain("Step requested termination").doesNotContain("StepExecution:");
	}

	/**
	 * The next run completes the run, once, and says truly why it may recover the
	 * execution the first process left unfinished.
	 */
	private void runAgainCompletes(Path spec, int people, long firstPid) throws Exception {
		String left = own.queryForObject("SELECT status FROM batch_job_execution", String.class);
		System.out.println("after the restart: " + own.queryForList(
				"SELECT step_name || ' ' || status FROM batch_step_execution ORDER BY step_execution_id", String.class)
				+ " " + left);
		Process again = child(spec, "again.log");
		assertThat(again.waitFor(120, TimeUnit.SECONDS)).as(read("again.log")).isTrue();
		assertThat(again.exitValue()).as(read("again.log")).isZero();
		List<String> recovering = read("again.log").lines().filter(line -> line.contains(": recovering it")).toList();
		System.out.println("again.log said: " + recovering);
		if (left.equals("UNKNOWN")) {
			assertThat(recovering).singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("Execution 1 is marked UNKNOWN but its process " + firstPid + " on this host ended it at ")
				.contains("without knowing whether its last commit went through");
		}
		else if (left.equals("STARTED")) {
			assertThat(recovering).singleElement(as(InstanceOfAssertFactories.STRING))
				.contains("Execution 1 is marked STARTED but its process " + firstPid + " on this host is gone");
		}
		else {
			assertThat(recovering).isEmpty();
		}
		assertThat(own.queryForObject("SELECT count(*) FROM execution_owner", Long.class)).isZero();

		Map<String, Long> perRecipient = received().stream()
			.collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
		assertThat(perRecipient).hasSize(people);
		long inDoubt = own.queryForObject("SELECT count(*) FROM job_report_row WHERE reason = 'IN_DOUBT'", Long.class);
		assertThat((long) received().size() - people).isLessThanOrEqualTo(inDoubt);
		assertThat(own.queryForObject("SELECT count(*) FROM invitation WHERE status = 'SENT'", Long.class))
			.isEqualTo(people);
		assertThat(own.queryForObject("SELECT count(*) FROM job_report_row WHERE outcome = 'SENT'", Long.class))
			.isEqualTo(people);
		assertThat(own.queryForObject("SELECT count(*) FROM delivery_claim", Long.class)).isZero();
		List<String> statuses = own.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id",
				String.class);
		assertThat(statuses).hasSize(2).endsWith("COMPLETED");
		assertThat(statuses.get(0)).isIn("FAILED", "STOPPED");
	}

	private EmbeddedPostgres start() throws IOException {
		return EmbeddedPostgres.builder()
			.setDataDirectory(data)
			.setCleanDataDirectory(false)
			.setPort(port)
			.setRegisterShutdownHook(true)
			.start();
	}

	/**
	 * Stops the server (fast shutdown: sessions are ended) and starts it again on the
	 * same port and data.
	 */
	private void restartDatabase() throws IOException {
		database.close();
		database = start();
	}

	private String url() {
		return "jdbc:postgresql://localhost:" + port + "/postgres?reWriteBatchedInserts=true";
	}

	private void await(BooleanSupplier condition, Process child, String log) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!condition.getAsBoolean()) {
			assertThat(child.isAlive()).as(() -> "the child ended early; it said:\n" + read(log)).isTrue();
			assertThat(System.nanoTime()).as("waiting for the child").isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	private static String people(int n) {
		return peopleCsv(n);
	}

	private String read(String log) {
		try {
			String text = Files.readString(dir.resolve(log));
			return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	private Process child(Path spec, String log) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
						"-XX:TieredStopAtLevel=1",
						// A lost database is given up on after 3 s per attempt instead of
						// 10:
						// what follows is the same, sooner.
						"-Dspring.datasource.hikari.connection-timeout=3000", "-cp",
						System.getProperty("java.class.path"), "-Dspring.datasource.url=" + url(),
						"-Dspring.datasource.username=postgres", "-Dspring.datasource.password=postgres",
						"-Dspring.mail.host=127.0.0.1", "-Dspring.mail.port=" + SMTP.getSmtp().getPort(),
						"-Dinvitations.mail.from=Example Parish <no-reply@example.org>",
						"org.invitations.InvitationsApplication", "run", spec.toString()));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
	}

}
