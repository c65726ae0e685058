package org.invitations;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.invitations.launch.SpecLock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SMTP server goes down after some messages: the job fails, nothing is lost; the same
 * spec run again restarts the run and sends each remaining person exactly once, and
 * nobody twice.
 */
class RestartIT extends IntegrationTest {

	@Test
	void aFailedRunRestartsAndSendsEachRemainingPersonOnce() throws Exception {
		int people = 20;
		write("people.csv", peopleCsv(people));
		String spec = spec("restart", "people.csv").toString();
		SMTP_PATH.failAfterMessages(7);

		Result failed = cli("run", spec);

		assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
		assertThat(failed.err()).contains("run the same spec again to restart it");
		assertThat(received()).hasSize(7);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(7);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED' AND token_hash IS NULL"))
			.isEqualTo(13);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENDING'")).isZero();
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution", String.class)).isEqualTo("FAILED");

		SMTP_PATH.restore();
		Result restarted = cli("run", spec);

		assertThat(restarted.exitCode()).as(restarted.err()).isZero();
		assertThat(restarted.out()).contains("Run 1 of 'restart'").contains("COMPLETED");
		Map<String, Long> perRecipient = received().stream()
			.collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
		assertThat(perRecipient).hasSize(people).allSatisfy((to, n) -> assertThat(n).as(to).isEqualTo(1));
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT' AND token_hash IS NOT NULL"))
			.isEqualTo(people);
		assertThat(count("SELECT count(*) FROM job_report_row WHERE outcome = 'SENT' AND reason IS NULL"))
			.isEqualTo(people);
		assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
			.containsExactly("FAILED", "COMPLETED");
		assertThat(count("SELECT count(DISTINCT job_instance_id) FROM batch_job_execution")).isEqualTo(1);
		// Each invitation's history tells the story: queued once, sent once.
		Map<String, Long> events = jdbc.queryForList("SELECT type FROM invitation_history", String.class)
			.stream()
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(events).containsEntry("QUEUED", (long) people).containsEntry("SENT", (long) people);
	}

	@Test
	void aSpecBeingRunByAnotherProcessIsRefusedAndNothingIsWritten() throws Exception {
		write("people.csv", "email,first_name,last_name\np1@example.org,P1,Person\n");
		String spec = spec("busy", "people.csv").toString();

		// What another process running the same spec holds; it goes when that process's
		// connection ends.
		try (SpecLock.Held other = context.getBean(SpecLock.class).acquire("busy")) {
			Result refused = cli("run", spec);

			assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(2);
			assertThat(refused.err()).contains("'busy' is being run by another process right now");
		}
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isZero();
		assertThat(count("SELECT count(*) FROM invitation")).isZero();
		assertThat(received()).isEmpty();

		Result afterwards = cli("run", spec);

		assertThat(afterwards.exitCode()).as(afterwards.err()).isZero();
		assertThat(received()).hasSize(1);
	}

}
