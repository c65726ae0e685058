package org.invitations.cli;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * stdout carries only a command's result and logs go to stderr, at any log level: the
 * real application in a child JVM with its defaults (embedded PostgreSQL, outbox), its
 * output redirected to files and parsed back.
 */
class OutputStreamsIT {

	/**
	 * The console pattern of application.properties: a log line starts with the time of
	 * day.
	 */
	private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");

	@TempDir
	Path home;

	record Output(int exitCode, String out, String err) {
	}

	@Test
	void everyCommandsOutputIsItsResultAtInfoAndDebug() throws Exception {
		Output run = invitations("run", "jobs/demo.yml", "--logging.level.root=DEBUG");
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).startsWith("Run 1 of 'demo': execution 1 COMPLETED");
		assertThat(run.err()).contains("DEBUG").contains("Embedded PostgreSQL on port");
		assertNoLogLines(run.out());

		for (String level : List.of("INFO", "DEBUG")) {
			Output report = invitations("report", "1", "--format", "csv", "--no-bom", "--logging.level.root=" + level);
			assertThat(report.exitCode()).as(report.err()).isZero();
			assertThat(report.err()).contains("Embedded PostgreSQL on port");
			List<CSVRecord> rows = CSVFormat.DEFAULT.builder()
				.setHeader()
				.get()
				.parse(new StringReader(report.out()))
				.getRecords();
			assertThat(rows).as(level).hasSize(36);
			assertThat(rows.get(0).getParser().getHeaderNames()).startsWith("item", "line", "email", "outcome",
					"reason");
			assertThat(rows.stream().filter(row -> row.get("outcome").equals("SENT"))).hasSize(26);
		}

		Output status = invitations("status", "--logging.level.root=DEBUG");
		assertThat(status.exitCode()).as(status.err()).isZero();
		assertNoLogLines(status.out());
		assertThat(status.out()).contains("demo").contains("COMPLETED");

		Output list = invitations("list", "--logging.level.root=DEBUG");
		assertThat(list.exitCode()).as(list.err()).isZero();
		assertNoLogLines(list.out());
		List<String> lines = list.out().lines().toList();
		assertThat(lines.get(0)).startsWith("ID").contains("EMAIL", "STATUS");
		assertThat(lines.subList(1, lines.size())).hasSize(26)
			.allSatisfy(line -> assertThat(line).matches("\\d+ .*SENT.*"));
	}

	@Test
	void environmentVariablesBindTheDocumentedPropertiesAndAnEmptyMailHostIsRefused() throws Exception {
		Output empty = invitations(Map.of("SPRING_MAIL_HOST", ""), "status");
		assertThat(empty.exitCode()).isEqualTo(2);
		assertThat(empty.err())
			.endsWith("error: spring.mail.host (SPRING_MAIL_HOST) is set but empty: set it to the SMTP"
					+ " server's name, or unset it to write the emails to the outbox folder" + System.lineSeparator());

		Output angus = invitations(Map.of("SPRING_MAIL_HOST", "127.0.0.1", "INVITATIONS_MAIL_DIRECT_SMTP", "false"),
				"status");
		assertThat(angus.exitCode()).as(angus.err()).isZero();
		assertThat(angus.err())
			.contains(
					"Mail goes to the SMTP server 127.0.0.1:25 (Angus Mail, since invitations.mail.direct-smtp=false)")
			.doesNotContain("deprecated");

		Output old = invitations(
				Map.of("SPRING_MAIL_HOST", "127.0.0.1", "SPRING_MAIL_PROPERTIES_INVITATIONS_DIRECT_SMTP", "false"),
				"status");
		assertThat(old.exitCode()).as(old.err()).isZero();
		assertThat(old.err()).contains("spring.mail.properties.invitations.direct-smtp is deprecated")
			.contains(
					"Mail goes to the SMTP server 127.0.0.1:25 (Angus Mail, since invitations.mail.direct-smtp=false)");
	}

	@Test
	void theBenchmarksOwnDatabaseLogsNothingToStdout() throws Exception {
		// Its embedded PostgreSQL starts before the application, so before Spring Boot
		// configures logging.
		// With a history of earlier runs: one in ten of them due for the expiry job, the
		// report rows of three in four of them past the retention.
		Output bench = invitations("bench", "--people", "300", "--existing", "2000", "--retention", "90d");
		assertThat(bench.exitCode()).as(bench.err()).isZero();
		assertThat(bench.out()).startsWith("database: a new embedded PostgreSQL in ")
			.contains("earlier invitations: 2,000 of 2,000")
			.contains("OK: exactly 300 distinct messages")
			.contains("expiry job: 200 of 200 due invitations expired")
			// Linux, where the JIT compiler's and collector's threads can be read
			.containsPattern("application [0-9]+ \\(of which the JIT compiler [0-9]+, the garbage collector [0-9]+\\)")
			.containsPattern("stored: 2,300 invitations, [0-9]+ MB in all tables: [0-9]+ bytes per invitation")
			.containsPattern("stored once vacuumed \\(VACUUM, as autovacuum does after a run\\): 2,300 invitations,"
					+ " [0-9]+ MB in all tables: [0-9]+ bytes per invitation");
		assertNoLogLines(bench.out());
		assertThat(bench.out()).doesNotContain("zonky").doesNotContain("initdb");
		assertThat(bench.out())
			.containsPattern("retention 90d: 1,500 report rows of 75 runs and [0-9,]+ history entries deleted");
	}

	private static void assertNoLogLines(String out) {
		assertThat(out.lines().filter(line -> LOG_LINE.matcher(line).find()).collect(Collectors.toList())).isEmpty();
	}

	/**
	 * The application's main class with the main classpath only (no test resources),
	 * output kept apart.
	 */
	private Output invitations(String... args) throws IOException, InterruptedException {
		return invitations(Map.of(), args);
	}

	private Output invitations(Map<String, String> environment, String... args)
			throws IOException, InterruptedException {
		String classpath = Arrays
			.stream(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
				.split(File.pathSeparator))
			.filter(entry -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
						// Short commands: the C1 compiler alone starts them sooner.
						"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath,
						"org.invitations.InvitationsApplication"));
		command.addAll(List.of(args));
		command.add("--invitations.home=" + home);
		Path out = home.resolve("stdout.txt");
		Path err = home.resolve("stderr.txt");
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
		builder.environment().keySet().removeIf(name -> name.startsWith("SPRING_") || name.startsWith("INVITATIONS_"));
		builder.environment().putAll(environment);
		Process process = builder.start();
		if (!process.waitFor(3, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new AssertionError("no answer within 3 minutes: " + String.join(" ", args));
		}
		return new Output(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
				Files.readString(err, StandardCharsets.UTF_8));
	}

}
