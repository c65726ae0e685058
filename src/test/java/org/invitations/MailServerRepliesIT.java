package org.invitations;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.invitations.invitation.Tokens;
import org.invitations.testsupport.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whom a refusal is about: the sender or the session (a quota, 421) pauses the run with
 * nobody failed, one recipient fails only that recipient; and a message whose reply never
 * came is in doubt, sent again once, identical.
 */
class MailServerRepliesIT extends ScriptedSmtpTest {

	@Test
	void aQuotaReplyToTheSenderPausesTheRunWithNobodyFailedAndALaterRunSendsTheRestOnce() throws Exception {
		String quota = "550 5.4.5 Daily sending quota exceeded";
		server.replyToSender(delivered -> delivered >= 5 ? quota : null);
		String spec = people("quota", 20);

		Result paused = cli("run", spec);

		assertThat(paused.exitCode()).as(paused.err()).isEqualTo(4);
		long sent = count("SELECT count(*) FROM invitation WHERE status = 'SENT'");
		assertThat(sent).isGreaterThanOrEqualTo(5).isLessThan(20).isEqualTo(server.delivered().size());
		assertThat(paused.err().lines().filter(line -> line.startsWith("error:")))
			.containsExactly("error: the mail server refused the sender: " + quota + "; " + sent + " sent, "
					+ (20 - sent) + " left queued; run the same spec again later to go on");
		assertThat(count("SELECT count(*) FROM invitation WHERE status <> 'SENT'")).isEqualTo(20 - sent);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED' AND token_hash IS NULL"))
			.isEqualTo(20 - sent);
		assertThat(count("SELECT count(*) FROM job_report_row WHERE outcome = 'QUEUED'")).isEqualTo(20 - sent);
		assertThat(count("SELECT count(*) FROM retired_token")).isZero();
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution", String.class))
			.isNotEqualTo("COMPLETED");

		server.replyToSender(delivered -> null);
		Result resumed = cli("run", spec);

		assertThat(resumed.exitCode()).as(resumed.err()).isZero();
		assertThat(server.delivered()).hasSize(20).doesNotHaveDuplicates();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(20);
		assertThat(resumed.out()).containsPattern("SENT\\s+20");
	}

	@Test
	void aResendPausedByARefusalOfTheSenderExitsAsPausedAndTheSameResendLaterSendsTheRest() throws Exception {
		String spec = people("again", 6);
		assertThat(cli("run", spec).exitCode()).isZero();
		jdbc.update("UPDATE invitation SET sent_at = sent_at - interval '2 hours'");
		String quota = "550 5.4.5 Daily sending quota exceeded";
		server.replyToSender(delivered -> delivered >= 8 ? quota : null);

		Result paused = cli("resend", spec, "--status", "pending");

		assertThat(paused.exitCode()).as(paused.err()).isEqualTo(4);
		long resent = server.delivered().size() - 6;
		assertThat(resent).isBetween(2L, 5L);
		assertThat(paused.err().lines().filter(line -> line.startsWith("error:")))
			.containsExactly("error: the mail server refused the sender: " + quota + "; " + resent + " sent, "
					+ (6 - resent) + " left queued; run the same resend again later to go on");
		assertThat(count("SELECT count(*) FROM invitation WHERE status IN ('FAILED', 'DEFERRED')")).isZero();

		server.replyToSender(delivered -> null);
		Result resumed = cli("resend", spec, "--status", "pending");

		assertThat(resumed.exitCode()).as(resumed.err()).isZero();
		assertThat(server.delivered()).hasSize(12);
		assertThat(server.delivered().stream().distinct()).hasSize(6);
	}

	@Test
	void a421MidRunPausesTheRunRestartably() throws Exception {
		server.replyToRecipients((to, attempt) -> to.equals("p4@example.org") && attempt == 1
				? "421 4.7.0 Try again later, closing connection." : null);
		String spec = people("closing", 10);

		Result paused = cli("run", spec);

		assertThat(paused.exitCode()).as(paused.err()).isEqualTo(4);
		assertThat(paused.err())
			.contains("error: the mail server refused the sender: 421 4.7.0 Try again later, closing connection.");
		assertThat(count("SELECT count(*) FROM invitation WHERE status IN ('FAILED', 'DEFERRED')")).isZero();
		assertThat(count("SELECT count(*) FROM retired_token")).isZero();
		assertThat(jdbc.queryForObject(
				"""
						SELECT i.status FROM invitation i JOIN person p ON p.id = i.person_id WHERE p.email_normalized = 'p4@example.org'
						""",
				String.class))
			.isEqualTo("QUEUED");

		Result resumed = cli("run", spec);

		assertThat(resumed.exitCode()).as(resumed.err()).isZero();
		assertThat(server.delivered()).hasSize(10).doesNotHaveDuplicates();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(10);
	}

	@Test
	void unknownRecipientsFailAloneAndTheRunCompletes() throws Exception {
		server.replyToRecipients((to, attempt) -> to.matches("p[369]@example\\.org")
				? "550 5.1.1 The email account that you tried to reach does not exist." : null);

		Result run = cli("run", people("unknown", 10));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+7").containsPattern("FAILED\\s+3\\s+SMTP_REJECTED 3");
		assertThat(server.delivered()).hasSize(7).doesNotContain("p3@example.org", "p6@example.org", "p9@example.org");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'FAILED' AND token_hash IS NULL"))
			.isEqualTo(3);
		assertThat(count("SELECT count(*) FROM retired_token WHERE reason = 'FAILED'")).isEqualTo(3);
	}

	@Test
	void aMessageWhoseReplyNeverCameIsSentOnceMoreIdenticalAndReportedInDoubt() throws Exception {
		server.replyToData((to, attempt) -> to.equals("p2@example.org") && attempt == 1
				? ScriptedSmtpServer.CLOSE_WITHOUT_REPLY : null);

		Result run = cli("run", people("lost", 4));

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+4\\s+IN_DOUBT 1");
		List<String> twice = server.contents("p2@example.org");
		assertThat(twice).hasSize(2);
		// The same message both times: one link, one Message-ID, and that link is the one
		// that works.
		assertThat(twice.get(1)).isEqualTo(twice.get(0));
		MimeMessage first = parse(twice.get(0));
		assertThat(parse(twice.get(1)).getMessageID()).isEqualTo(first.getMessageID());
		Map<String, Object> p2 = invitation("p2@example.org");
		assertThat(p2).containsEntry("status", "SENT").containsEntry("hash", Tokens.hashHex(Mails.token(first)));
		assertThat(jdbc.queryForMap("SELECT outcome, reason, detail FROM job_report_row WHERE invitation_id = ?",
				p2.get("id")))
			.containsEntry("outcome", "SENT")
			.containsEntry("reason", "IN_DOUBT")
			.hasEntrySatisfying("detail", detail -> assertThat((String) detail).contains("no reply")
				.contains("sent again, identical, same link: 250"));
		assertThat(jdbc.queryForList("SELECT type FROM invitation_history WHERE invitation_id = ? ORDER BY id",
				String.class, p2.get("id")))
			.containsExactly("QUEUED", "SENT");
		assertThat(server.delivered()).hasSize(5);
	}

	@Test
	void aMessageWhoseReplyNeverComesIsSentTwiceAtMostAndTreatedAsSent() throws Exception {
		server
			.replyToData((to, attempt) -> to.equals("p2@example.org") ? ScriptedSmtpServer.CLOSE_WITHOUT_REPLY : null);
		String spec = people("silent", 3);

		Result run = cli("run", spec);

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(server.contents("p2@example.org")).hasSize(2);
		Map<String, Object> p2 = invitation("p2@example.org");
		assertThat(p2).containsEntry("status", "SENT")
			.containsEntry("hash", Tokens.hashHex(Mails.token(parse(server.contents("p2@example.org").get(0)))));
		assertThat(
				jdbc.queryForObject("SELECT detail FROM job_report_row WHERE invitation_id = ? AND reason = 'IN_DOUBT'",
						String.class, p2.get("id")))
			.contains("no reply came either")
			.contains("never sent a third time");

		Result again = cli("run", spec);

		assertThat(again.exitCode()).as(again.err()).isZero();
		assertThat(server.contents("p2@example.org")).hasSize(2);
	}

	private Map<String, Object> invitation(String email) {
		return jdbc.queryForMap("""
				SELECT i.id, i.status, encode(i.token_hash, 'hex') AS hash FROM invitation i
				JOIN person p ON p.id = i.person_id WHERE p.email_normalized = ?
				""", email);
	}

	private static MimeMessage parse(String content) throws Exception {
		return new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(content.getBytes(StandardCharsets.ISO_8859_1)));
	}

}
