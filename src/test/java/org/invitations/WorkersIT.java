package org.invitations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.invitations.bench.BenchSmtpSink;
import org.invitations.bench.DelayedSink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers in JVMs of their own share runs started by a manager in another: one killed
 * with SIGKILL mid-partition costs only its in-doubt tail, and a spec's per-second
 * throttle holds across all of them together.
 */
class WorkersIT extends IntegrationTest {

	private static final List<String> JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

	/** Short, so that a lost worker is noticed within seconds. */
	private static final String LEASE = "--invitations.workers.lease=3s";

	private final List<Process> children = new ArrayList<>();

	@AfterEach
	void stopChildren() {
		children.forEach(Process::destroyForcibly);
	}

	/**
	 * Three workers: one killed with SIGKILL mid-partition, one stopped with SIGTERM
	 * mid-partition, one left to finish with them.
	 */
	@Test
	void aWorkerKilledMidPartitionCostsOnlyItsInDoubtTailAndOneStoppedCostsNothing() throws Exception {
		int people = 50_000;
		write("many.csv", peopleCsv(people));
		Path spec = spec("many", "many.csv", 500);
		try (BenchSmtpSink sink = BenchSmtpSink.start()) {
			String port = "--spring.mail.port=" + sink.port();
			Process doomed = child("worker-1.log", "worker", port, LEASE);
			Process survivor = child("worker-2.log", "worker", port, LEASE);
			Process stopped = child("worker-3.log", "worker", port, LEASE);
			awaitLiveWorkers(3);
			Process manager = child("run.log", "run", spec.toString(), port, LEASE);

			long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
			while (!(running(doomed) && sink.messages() > 5_000) && manager.isAlive() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(running(doomed)).as(() -> log("worker-1.log") + log("run.log")).isTrue();
			doomed.destroyForcibly();
			while (!running(stopped) && manager.isAlive() && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(running(stopped)).as(() -> log("worker-3.log") + log("run.log")).isTrue();
			stopped.destroy();
			assertThat(stopped.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(stopped.exitValue()).as(() -> log("worker-3.log")).isZero();
			assertThat(manager.waitFor(240, TimeUnit.SECONDS)).as(() -> log("run.log") + log("worker-2.log")).isTrue();
			assertThat(manager.exitValue()).as(() -> log("run.log") + log("worker-2.log")).isZero();

			// Everyone mailed; the only messages sent twice are the lost worker's
			// in-doubt
			// tail: at most its window plus the message on its way, per connection (4 x
			// (50 + 1)).
			long duplicates = sink.messages() - sink.distinct();
			assertThat(sink.distinct()).isEqualTo(people);
			assertThat(duplicates).isEqualTo(sink.duplicates()).isLessThanOrEqualTo(4 * 51);
			long inDoubt = count("SELECT count(*) FROM job_report_row WHERE reason = 'IN_DOUBT'");
			assertThat(inDoubt).isLessThanOrEqualTo(4 * 51);
			// Each one sent twice is reported in doubt, and the link of its first message
			// still opens: kept beside the new one, or the same link sent again.
			Long[] twice = sink.duplicated().toArray(Long[]::new);
			assertThat(jdbc.queryForList("""
					SELECT i.id || ' ' || i.status || ' ' || coalesce(r.reason, '-') || ' '
					       || (EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = i.id)
					           OR r.detail LIKE '%same link%')
					FROM invitation i LEFT JOIN job_report_row r ON r.invitation_id = i.id
					WHERE i.id = ANY(?) ORDER BY i.id
					""", String.class, (Object) twice)).hasSize(twice.length)
				.allSatisfy(row -> assertThat(row).endsWith(" SENT IN_DOUBT true"));
			assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(people);

			assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution", String.class))
				.isEqualTo("COMPLETED");
			assertThat(count("SELECT count(*) FROM batch_step_execution WHERE status IN ('STARTING', 'STARTED')"))
				.isZero();
			// The lost partition failed and another execution of it completed its share.
			assertThat(count("SELECT count(*) FROM delivery_partition WHERE state = 'LOST' AND worker_id LIKE ?",
					"%:" + doomed.pid() + ":%"))
				.isEqualTo(1);
			assertThat(jdbc.queryForList(
					"SELECT exit_message FROM batch_step_execution WHERE status = 'FAILED' AND step_name LIKE 'deliver:%'",
					String.class))
				.singleElement()
				.asString()
				.contains("was lost");
			assertThat(count("SELECT count(*) FROM delivery_partition WHERE state = 'ENDED' AND worker_id LIKE ?",
					"%:" + survivor.pid() + ":%"))
				.isGreaterThan(0);
			assertThat(count("SELECT count(*) FROM delivery_partition WHERE state = 'LEFT' AND worker_id LIKE ?",
					"%:" + stopped.pid() + ":%"))
				.isEqualTo(1);
			assertThat(count("SELECT count(*) FROM delivery_worker WHERE id LIKE ?", "%:" + stopped.pid() + ":%"))
				.isZero();
			assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();

			// Stopped on request, a worker gives its lease back and exits 0.
			survivor.destroy();
			assertThat(survivor.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(survivor.exitValue()).as(() -> log("worker-2.log")).isZero();
			assertThat(count("SELECT count(*) FROM delivery_worker WHERE id LIKE ?", "%:" + survivor.pid() + ":%"))
				.isZero();
		}
	}

	@Test
	void aPerSecondThrottleHoldsAcrossThreeWorkers() throws Exception {
		int people = 300;
		write("paced.csv", peopleCsv(people));
		Path spec = spec("paced", "paced.csv", 20, "throttle:", "  per-second: 50");
		try (DelayedSink sink = DelayedSink.start(Duration.ZERO, 100, true)) {
			String port = "--spring.mail.port=" + sink.port();
			for (int i = 1; i <= 3; i++) {
				child("worker-" + i + ".log", "worker", port, LEASE);
			}
			awaitLiveWorkers(3);
			Process manager = child("run.log", "run", spec.toString(), port, LEASE);
			assertThat(manager.waitFor(120, TimeUnit.SECONDS)).as(() -> log("run.log") + log("worker-1.log")).isTrue();
			assertThat(manager.exitValue()).as(() -> log("run.log")).isZero();

			assertThat(sink.accepted()).isEqualTo(people);
			assertThat(count("SELECT count(DISTINCT worker_id) FROM delivery_partition")).isEqualTo(3);
			long[] at = sink.acceptedAt();
			// However the three share the run, the whole takes the time 50 per second
			// needs (three throttles of their own would take a third of it), and no
			// second
			// holds more than 50 messages but for the scheduling jitter of four JVMs on
			// this machine's cores (three of their own would let 150 through).
			int most = 0;
			for (int first = 0, last = 0; last < at.length; last++) {
				while (at[last] - at[first] >= 1_000_000_000L) {
					first++;
				}
				most = Math.max(most, last - first + 1);
			}
			assertThat(Duration.ofNanos(at[at.length - 1] - at[0]))
				.isGreaterThanOrEqualTo(Duration.ofMillis((people - 1) * 1000L / 50 - 100));
			assertThat(most).isLessThanOrEqualTo(60);
		}
	}

	private Process child(String log, String... args) throws Exception {
		Process child = startChildCommand(dir.resolve(log), JVM, args);
		children.add(child);
		return child;
	}

	private void awaitLiveWorkers(int n) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
		while (count("SELECT count(*) FROM delivery_worker") < n && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(count("SELECT count(*) FROM delivery_worker")).as(() -> log("worker-1.log")).isEqualTo(n);
	}

	/** Whether this worker runs a partition now. */
	private boolean running(Process worker) {
		return count("SELECT count(*) FROM delivery_partition WHERE state = 'RUNNING' AND worker_id LIKE ?",
				"%:" + worker.pid() + ":%") > 0;
	}

	private String log(String name) {
		try {
			return "\n--- " + name + "\n" + Files.readString(dir.resolve(name));
		}
		catch (Exception ex) {
			return "\n--- " + name + ": " + ex;
		}
	}

}
