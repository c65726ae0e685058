package org.invitations;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import org.invitations.lifecycle.InvitationAdmin;

import static org.assertj.core.api.Assertions.assertThat;

/** What SMTP servers really do: temporary and permanent refusals, going down, hanging. */
@ExtendWith(OutputCaptureExtension.class)
class DeliveryFaultsIT extends ScriptedSmtpTest {

	private static final Pattern PROGRESS = Pattern.compile("deliver: (\\d+)/(\\d+) people");

	@Test
	void progressCountsPeopleSettledNotAttempts(CapturedOutput output) throws Exception {
		// Half of them refused twice for now: 48 attempts for 24 people, over about 6 s,
		// so that progress is logged on the way.
		server.replyToRecipients(
				(to, attempt) -> Integer.parseInt(to.substring(1, to.indexOf('@'))) % 2 == 0 && attempt <= 2
						? "451 4.3.0 try again later" : null);
		write("progress.csv", peopleCsv(24));

		Result run = cli("run", spec("progress", "progress.csv", "throttle:", "  per-second: 8").toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(server.delivered()).hasSize(24).doesNotHaveDuplicates();
		List<String> lines = output.getAll().lines().filter(line -> line.contains("deliver: ")).toList();
		List<Matcher> progress = lines.stream().map(PROGRESS::matcher).filter(Matcher::find).toList();
		assertThat(progress).as(String.join("\n", lines)).isNotEmpty().allSatisfy(line -> {
			assertThat(Long.parseLong(line.group(2))).isEqualTo(24);
			assertThat(Long.parseLong(line.group(1))).isLessThanOrEqualTo(24);
		});
		assertThat(lines).anyMatch(line -> line.contains("deliver: 24 people in "));
	}

	@Test
	void temporaryRefusalsAreRetriedAndDelivered() throws Exception {
		server.replyToRecipients((to, attempt) -> switch (to) {
			case "p1@example.org" -> attempt == 1 ? "451 4.3.0 try again later" : null;
			case "p2@example.org" -> attempt <= 2 ? "452 4.2.2 mailbox full, try later" : null;
			case "p3@example.org" -> attempt == 1 ? "450 4.2.1 mailbox busy, try again later" : null;
			default -> null;
		});

		Result run = cli("run", people("retry", 5));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(server.delivered()).containsExactlyInAnyOrder("p1@example.org", "p2@example.org", "p3@example.org",
				"p4@example.org", "p5@example.org");
		assertThat(server.attempts("p2@example.org")).isEqualTo(3);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(5);
	}

	@Test
	void anInvitationCancelledWhileItsMessageIsOnItsWayStaysCancelledWithItsLinkRevoked() throws Exception {
		InvitationAdmin admin = context.getBean(InvitationAdmin.class);
		server.replyToRecipients((to, attempt) -> {
			if (to.equals("p2@example.org")) {
				// Claimed, its message on the wire: an admin cancels it now, before the
				// server has answered.
				admin.cancel(invitationOf("p2@example.org"), null, "admin", "sent to the wrong group");
			}
			return null;
		});

		Result run = cli("run", people("cancelled", 3));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(server.delivered()).containsExactlyInAnyOrder("p1@example.org", "p2@example.org", "p3@example.org");
		long p2 = invitationOf("p2@example.org");
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = ?", String.class, p2))
			.isEqualTo("CANCELLED");
		assertThat(count("SELECT count(*) FROM invitation WHERE id = ? AND token_hash IS NULL", p2)).isOne();
		// The link that arrived opens nothing, and a refused redeem can say why.
		assertThat(count("SELECT count(*) FROM retired_token WHERE invitation_id = ? AND reason = 'CANCELLED'", p2))
			.isOne();
		assertThat(jdbc.queryForList("SELECT type FROM invitation_history WHERE invitation_id = ? ORDER BY id",
				String.class, p2))
			.containsExactly("QUEUED", "CANCELLED", "SENT");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(2);
	}

	private long invitationOf(String email) {
		return jdbc.queryForObject("""
				SELECT i.id FROM invitation i JOIN person p ON p.id = i.person_id WHERE p.email_normalized = ?
				""", Long.class, email);
	}

	@Test
	void permanentRefusalFailsThatRecipientOnlyAndRevokesItsToken() throws Exception {
		server.replyToRecipients((to, attempt) -> to.equals("p2@example.org") ? "550 5.1.1 no such user" : null);

		Result run = cli("run", people("reject", 4));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+3").containsPattern("FAILED\\s+1\\s+SMTP_REJECTED 1");
		assertThat(server.delivered()).hasSize(3).doesNotContain("p2@example.org");
		assertThat(server.attempts("p2@example.org")).isEqualTo(1);
		assertThat(jdbc.queryForMap("""
				SELECT i.status, i.token_hash IS NULL AS revoked, i.last_smtp_reply FROM invitation i
				JOIN person p ON p.id = i.person_id WHERE p.email_normalized = 'p2@example.org'"""))
			.containsEntry("status", "FAILED")
			.containsEntry("revoked", true)
			.hasEntrySatisfying("last_smtp_reply",
					reply -> assertThat((String) reply).contains("550 5.1.1 no such user"));
		assertThat(count("SELECT count(*) FROM retired_token WHERE reason = 'FAILED'")).isEqualTo(1);
	}

	@Test
	void aRefusalThatDoesNotClearLeavesTheInvitationDeferred() throws Exception {
		server.replyToRecipients((to, attempt) -> to.equals("p1@example.org") ? "450 4.2.1 mailbox busy" : null);

		Result run = cli("run", people("busy", 2));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("DEFERRED\\s+1\\s+SMTP_TEMPORARY 1");
		assertThat(server.attempts("p1@example.org")).isEqualTo(4);
		assertThat(
				jdbc.queryForObject("SELECT last_smtp_reply FROM invitation WHERE status = 'DEFERRED'", String.class))
			.contains("450 4.2.1 mailbox busy");
	}

	@Test
	void serverDownFailsTheJobRestartablyAndUpAgainDeliversEveryoneOnce() throws Exception {
		server.down();
		String spec = people("down", 6);

		Result failed = cli("run", spec);

		assertThat(failed.exitCode()).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED' AND token_hash IS NULL"))
			.isEqualTo(6);
		server.up();
		Result restarted = cli("run", spec);
		assertThat(restarted.exitCode()).as(restarted.err()).isZero();
		assertThat(server.delivered()).hasSize(6).doesNotHaveDuplicates();
	}

	@Test
	void aHangingServerTripsTheTimeout() throws Exception {
		server.greetAfter(Duration.ofSeconds(120));
		long start = System.nanoTime();

		Result run = cli("run", people("slow", 2));

		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
		assertThat(run.err()).containsIgnoringCase("timed out");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isEqualTo(2);
	}

}
