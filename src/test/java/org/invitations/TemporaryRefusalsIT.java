package org.invitations;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Temporary refusals wait in the queue, not on a connection: with a backoff of a second,
 * 600 refusals waited out one by one on 4 connections would take 150 s; waiting for a
 * later pass, they take about one backoff.
 */
@TestPropertySource(properties = { "invitations.mail.retry.delay=1s", "invitations.mail.retry.max-delay=2s",
		"invitations.mail.retry.jitter=100ms" })
class TemporaryRefusalsIT extends ScriptedSmtpTest {

	@Test
	void thirtyPercentRefusedOnceForTwoThousandPeopleDoNotStallTheRun() throws Exception {
		int people = 2000;
		write("many.csv", peopleCsv(people));
		String spec = write("many.yml", """
				name: many
				source:
				  csv: many.csv
				role: volunteer
				chunk-size: 100
				link-base-url: https://crm.example.org/set-password
				""").toString();
		// Every tenth address ending in 0, 3 or 7: 30 % of them, spread over every chunk.
		server.replyToRecipients((to, attempt) -> attempt == 1 && to.matches("p\\d*[037]@example\\.org")
				? "451 4.3.0 Temporary lookup failure, try again later" : null);
		long start = System.nanoTime();

		Result run = cli("run", spec);

		Duration took = Duration.ofNanos(System.nanoTime() - start);
		System.out.printf("%d people, 30 %% refused once with 451, backoff 1 s: delivered in %.1f s%n", people,
				took.toMillis() / 1000.0);
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+2000\\s*\\n");
		assertThat(server.delivered()).hasSize(people).doesNotHaveDuplicates();
		assertThat(server.attempts("p10@example.org")).isEqualTo(2);
		assertThat(server.attempts("p11@example.org")).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT' AND attempt_count = 1"))
			.isEqualTo(people);
		assertThat(
				count("SELECT count(*) FROM invitation_history WHERE type = 'DEFERRED' AND detail LIKE '451 4.3.0%'"))
			.isEqualTo(600);
		// Generous for a loaded machine, and far below the 150 s of waiting out each
		// refusal on its connection.
		assertThat(took).isLessThan(Duration.ofSeconds(30));
	}

}
