package org.invitations;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A separate JVM runs the job on the default embedded database (its own home folder) and
 * is killed with SIGKILL mid-delivery, which leaves its PostgreSQL server running on the
 * data folder. The next run finds that server of a dead process, stops it, starts its own
 * and completes the run.
 */
class EmbeddedDatabaseCrashIT extends IntegrationTest {

	private static final int PEOPLE = 120;

	@Test
	void theFirstRunAfterAKilledProcessStartsCleanlyAndCompletesTheRun() throws Exception {
		write("people.csv", peopleCsv(PEOPLE));
		Path spec = spec("embedded", "people.csv", "throttle:", "  per-second: 60");
		Path home = dir.resolve("home");

		Process first = child(spec, home, "first.log");
		boolean some = SMTP.waitForIncomingEmail(180_000, 20);
		first.destroyForcibly();
		assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(some).as(() -> read("first.log")).isTrue();
		assertThat(received().size()).isLessThan(PEOPLE);
		// What kill -9 leaves behind: the server it started, still running on the data
		// folder.
		Path pidFile = home.resolve("pgdata").resolve("postmaster.pid");
		long server = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
		assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).contains(true);

		Process again = child(spec, home, "again.log");
		assertThat(again.waitFor(180, TimeUnit.SECONDS)).as(() -> read("again.log")).isTrue();

		String said = read("again.log");
		assertThat(again.exitValue()).as(said).isZero();
		assertThat(said).contains("of a process that ended is still running")
			.contains("COMPLETED")
			.doesNotContain("Gave up waiting");
		Map<String, Long> perRecipient = received().stream()
			.collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
		assertThat(perRecipient).hasSize(PEOPLE);
		// At most the three chunks of three that may have been on their way are sent
		// twice.
		assertThat(received().size() - PEOPLE).isLessThanOrEqualTo(9);
		assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		// The second process stopped the server it started when it ended.
		assertThat(pidFile).doesNotExist();
	}

	private String read(String log) {
		try {
			return Files.readString(dir.resolve(log));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	private Process child(Path spec, Path home, String log) throws IOException {
		// Without the test classes, whose test configuration would bring a database of
		// its own.
		String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter(entry -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
						"-XX:TieredStopAtLevel=1", "-cp", classPath, "-Dinvitations.home=" + home,
						"-Dspring.mail.host=127.0.0.1", "-Dspring.mail.port=" + SMTP.getSmtp().getPort(),
						"-Dinvitations.mail.from=Example Parish <no-reply@example.org>",
						"org.invitations.InvitationsApplication", "run", spec.toString()));
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
	}

}
