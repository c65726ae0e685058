package org.invitations;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.TokenRedeemer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * remind: one reminder before expiry, only to invitations still open and unused, never
 * twice.
 */
class RemindersIT extends IntegrationTest {

	@Autowired
	TokenRedeemer redeemer;

	@Test
	void aReminderReachesOnlyTheOpenInvitationsDueAndOnlyOnce() throws Exception {
		write("people.csv",
				"email,first_name,last_name\n" + List.of("due", "later", "used", "gone", "late")
					.stream()
					.map(name -> name + "@example.org," + name + ",Person")
					.collect(Collectors.joining("\n")));
		Result run = cli("run", spec("club", "people.csv", "token-ttl: 7d").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		Map<String, String> first = received().stream().collect(Collectors.toMap(Mails::to, Mails::token));
		SMTP.purgeEmailFromAllMailboxes();
		assertThat(redeemer.redeem(first.get("used@example.org"), "test").status())
			.isEqualTo(Redemption.Status.ACCEPTED);
		assertThat(
				cli("cancel", "--invitation", invitationOf("gone@example.org"), "--reason", "wrong group").exitCode())
			.isZero();
		expiresIn("due@example.org", "1 day");
		expiresIn("later@example.org", "5 days");
		expiresIn("used@example.org", "1 day");
		expiresIn("gone@example.org", "1 day");
		expiresIn("late@example.org", "20 minutes");

		String expiry = write("expire.yml", """
				name: nightly
				job: expire
				remind:
				  before: 2d
				  min-remaining: 1h
				""").toString();
		Result reminded = cli("run", expiry);
		assertThat(reminded.exitCode()).as(reminded.err()).isZero();
		assertThat(reminded.out()).contains("reminders: 1 sent");
		assertThat(received()).hasSize(1);
		MimeMessage reminder = received().get(0);
		assertThat(Mails.to(reminder)).isEqualTo("due@example.org");
		assertThat(reminder.getSubject()).isEqualTo("Reminder: set your password for Example Parish");
		String second = Mails.token(reminder);
		assertThat(second).isNotEqualTo(first.get("due@example.org"));

		// The first link works as well as the reminder's until one is used.
		assertThat(redeemer.inspect(first.get("due@example.org"), "test").status()).isEqualTo(Redemption.Status.VALID);
		assertThat(redeemer.inspect(second, "test").status()).isEqualTo(Redemption.Status.VALID);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'REMINDED'")).isEqualTo(1);
		Result history = cli("history", "due@example.org");
		assertThat(history.out()).contains("REMINDED");
		Result report = cli("report", lastExecution());
		assertThat(report.out()).contains("due@example.org").contains("REMINDER");

		Result again = cli("run", expiry);
		assertThat(again.exitCode()).as(again.err()).isZero();
		assertThat(again.out()).contains("reminders: 0 sent");
		assertThat(received()).hasSize(1);

		assertThat(redeemer.redeem(second, "test").status()).isEqualTo(Redemption.Status.ACCEPTED);
		assertThat(redeemer.redeem(first.get("due@example.org"), "test").status()).isEqualTo(Redemption.Status.INVALID);
	}

	private void expiresIn(String email, String interval) {
		jdbc.update("UPDATE invitation SET expires_at = now() + ?::interval WHERE email_normalized = ?", interval,
				email);
	}

	private String invitationOf(String email) {
		return jdbc.queryForObject("SELECT id::text FROM invitation WHERE email_normalized = ?", String.class, email);
	}

}
