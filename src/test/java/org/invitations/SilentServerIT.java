package org.invitations;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import org.invitations.testsupport.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mail server that stops answering (after a message's content, or before its greeting)
 * ends the run within a bound: two read timeouts per connection, or the retry policy's
 * attempts, never a loop. The tests' read timeout is 2 s (see {@link IntegrationTest}).
 */
@ExtendWith(OutputCaptureExtension.class)
class SilentServerIT extends ScriptedSmtpTest {

	private static final int PEOPLE = 12;

	@Test
	void aServerThatTakesTheContentAndNeverAnswersFailsTheRunWithOneMessageInDoubtPerConnection(CapturedOutput output)
			throws Exception {
		server.replyToData((to, attempt) -> ScriptedSmtpServer.NEVER_REPLY);
		write("silent.csv", peopleCsv(PEOPLE));
		// One chunk over the 4 connections: slices of 3, p1 to p4 first.
		String spec = spec("silent", "silent.csv", PEOPLE).toString();
		long start = System.nanoTime();

		Result failed = cli("run", spec);

		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
		// Two read timeouts of 2 s, the connections side by side; without the bound it
		// went on for every message.
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(4)).isLessThan(Duration.ofSeconds(20));
		assertThat(failed.err().lines().filter(line -> line.startsWith("error:")))
			.containsExactly("error: SMTP server 127.0.0.1:" + SMTP_PATH.port() + " stopped answering: no reply to a"
					+ " message's content, nor to the same message sent once more on a new connection (read timed out)");
		List<String> first = List.of("p1@example.org", "p2@example.org", "p3@example.org", "p4@example.org");
		assertThat(inDoubt()).containsExactlyInAnyOrderElementsOf(first);
		for (String email : first) {
			assertThat(server.contents(email)).as(email).hasSize(2);
		}
		assertThat(output.getAll().lines().filter(line -> line.contains(" is in doubt: "))).hasSize(4);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED' AND token_hash IS NULL"))
			.isEqualTo(PEOPLE - 4);
		assertThat(count("SELECT count(*) FROM job_report_row WHERE outcome = 'QUEUED'")).isEqualTo(PEOPLE - 4);
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(server.delivered()).hasSize(8);

		server.replyToData((to, attempt) -> null);
		Result restarted = cli("run", spec);

		assertThat(restarted.exitCode()).as(restarted.err()).isZero();
		assertThat(restarted.out()).containsPattern("SENT\\s+" + PEOPLE + "\\s+IN_DOUBT 4");
		for (String email : people()) {
			assertThat(server.contents(email)).as(email).hasSize(first.contains(email) ? 2 : 1);
		}
		assertThat(server.delivered()).hasSize(PEOPLE + 4);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE);
		assertThat(inDoubt()).containsExactlyInAnyOrderElementsOf(first);
		assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
			.containsExactly("FAILED", "COMPLETED");
	}

	@Test
	void aServerThatNeverGreetsFailsTheRunAfterTheRetryPolicysAttempts() throws Exception {
		server.greet(false);
		long start = System.nanoTime();

		Result failed = cli("run", people("mute", 6));

		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
		// Chunks of 3, one connection each: 1 + max-retries (3) greetings waited for,
		// 2 s each.
		assertThat(took).isLessThan(Duration.ofSeconds(30));
		assertThat(server.sessions()).isBetween(4, 3 * 4);
		assertThat(failed.err().lines().filter(line -> line.startsWith("error:")))
			.containsExactly("error: cannot connect to SMTP server 127.0.0.1:" + SMTP_PATH.port() + ": read timed out");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED' AND token_hash IS NULL"))
			.isEqualTo(6);
		assertThat(server.delivered()).isEmpty();

		server.greet(true);
		Result restarted = cli("run", people("mute", 6));

		assertThat(restarted.exitCode()).as(restarted.err()).isZero();
		assertThat(server.delivered()).hasSize(6).doesNotHaveDuplicates();
	}

	private List<String> inDoubt() {
		return jdbc.queryForList("""
				SELECT p.email_normalized FROM job_report_row r JOIN invitation i ON i.id = r.invitation_id
				JOIN person p ON p.id = i.person_id WHERE r.outcome = 'SENT' AND r.reason = 'IN_DOUBT'
				""", String.class);
	}

	private static List<String> people() {
		return IntStream.rangeClosed(1, PEOPLE).mapToObj(i -> "p" + i + "@example.org").toList();
	}

}
