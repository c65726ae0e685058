package org.invitations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real separate JVM runs the job and is asked to stop in the middle of delivery: by
 * SIGTERM, by SIGINT, or by the stop command from another process. It finishes and
 * records what was on its way, ends STOPPED and exits with code 3 well within the stop
 * timeout; nothing is left in doubt, and the next run sends everyone else, so that
 * everyone receives exactly one message.
 */
class GracefulStopIT extends IntegrationTest {

	private static final int PEOPLE = 300;

	@Test
	void sigtermStopsAfterTheMessagesOnTheirWayAndTheNextRunSendsTheRestOnce() throws Exception {
		stopsGracefullyAndContinues("term", child -> child.destroy());
	}

	@Test
	void sigintStopsTheSameWay() throws Exception {
		stopsGracefullyAndContinues("int", child -> {
			Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).inheritIO().start();
			assertThat(kill.waitFor()).isZero();
		});
	}

	@Test
	void theStopCommandStopsARunOfAnotherProcess() throws Exception {
		stopsGracefullyAndContinues("remote", child -> {
			Result stop = cli("stop", lastExecution());
			assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();
			assertThat(stop.out()).contains("Execution " + lastExecution() + " STOPPED");
		});
	}

	@Test
	void theStopCommandRefusesAnExecutionThatIsNotRunning() throws Exception {
		write("done.csv", "email,first_name,last_name\na@example.org,A,Person");
		Path spec = spec("done", "done.csv");
		assertThat(cli("run", spec.toString()).exitCode()).isZero();

		Result stop = cli("stop", lastExecution());

		assertThat(stop.exitCode()).isEqualTo(2);
		assertThat(stop.err()).contains("is not running: it ended COMPLETED");
		assertThat(cli("stop", "999").err()).contains("no job execution 999");
	}

	/**
	 * With max-recipients, delivery waits for selection to end; a stop during selection
	 * stops both, exit code 3 (not a failure), and the next run selects the rest, checks
	 * the limit and sends everyone once.
	 */
	@Test
	void aGuardedRunStoppedDuringSelectionStopsAndContinues() throws Exception {
		int people = 1000;
		write("guarded.csv", peopleCsv(people));
		Path spec = spec("guarded", "guarded.csv", 1, "max-recipients: " + people);
		Path log = dir.resolve("guarded.log");
		Process child = startChild(spec, log, "-XX:TieredStopAtLevel=1");
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (count("SELECT count(*) FROM invitation") < 20 && System.nanoTime() < deadline && child.isAlive()) {
			Thread.sleep(50);
		}
		assertThat(count("SELECT count(*) FROM invitation")).as(() -> read(log)).isGreaterThanOrEqualTo(20);

		Result stop = cli("stop", lastExecution());
		assertThat(stop.exitCode()).as(stop.out() + stop.err()).isZero();
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

		String said = read(log);
		assertThat(child.exitValue()).as(said).isEqualTo(3);
		assertThat(said).contains("stopped on request: 0 sent").doesNotContain("selection did not complete");
		// The deliver step, its one partition, and select.
		assertThat(jdbc.queryForList("SELECT step_name || ' ' || status FROM batch_step_execution ORDER BY step_name",
				String.class))
			.containsExactly("deliver STOPPED", "deliver:partition0 STOPPED", "select STOPPED");
		assertThat(received()).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation")).isLessThan(people);

		Result again = cli("run", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(received()).hasSize(people);
		assertThat(perRecipient()).hasSize(people);
	}

	private interface Stopper {

		void stop(Process child) throws Exception;

	}

	private void stopsGracefullyAndContinues(String name, Stopper stopper) throws Exception {
		write(name + ".csv", people());
		Path spec = spec(name, name + ".csv", "throttle:", "  per-second: 50");
		Path log = dir.resolve("child.log");
		Process child = startChild(spec, log, "-XX:TieredStopAtLevel=1");
		boolean some = SMTP.waitForIncomingEmail(120_000, 20);
		assertThat(some).as(() -> "the child sent 20 messages; it said:\n" + read(log)).isTrue();

		long asked = System.nanoTime();
		stopper.stop(child);
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		Duration took = Duration.ofNanos(System.nanoTime() - asked);

		String said = read(log);
		assertThat(child.exitValue()).as(said).isEqualTo(3);
		assertThat(took).as(said).isLessThan(Duration.ofSeconds(10));
		assertThat(said).contains("stopped on request: ").contains("run the same spec again to continue");
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution", String.class)).isEqualTo("STOPPED");
		// Everything that left was recorded as sent, nothing is on its way or in doubt,
		// the rest stays queued.
		int arrived = received().size();
		assertThat(arrived).isLessThan(PEOPLE);
		assertThat(perRecipient()).hasSize(arrived);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(arrived);
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENDING'")).isZero();

		Result again = cli("run", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(received()).hasSize(PEOPLE);
		assertThat(perRecipient()).hasSize(PEOPLE);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM job_report_row WHERE outcome = 'SENT' AND reason IS NULL"))
			.isEqualTo(PEOPLE);
		assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
			.containsExactly("STOPPED", "COMPLETED");
	}

	private static String people() {
		return peopleCsv(PEOPLE);
	}

	private Map<String, Long> perRecipient() {
		return received().stream().collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
	}

	private static String read(Path file) {
		try {
			String text = Files.readString(file);
			return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
		}
		catch (java.io.IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

}
