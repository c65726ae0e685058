package org.invitations.smtp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.invitations.testsupport.ScriptedSmtpServer;
import org.invitations.mail.PreparedMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plain SMTP client against real servers: GreenMail (no PIPELINING) and a scripted
 * one that offers it.
 */
class DirectSmtpConnectionTest {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final SocketWatchdog watchdog = new SocketWatchdog(TIMEOUT);

	private final Session session = Session.getInstance(new Properties());

	@AfterEach
	void stopWatchdog() {
		watchdog.close();
	}

	@Test
	void linesBeginningWithADotArriveIntactAndTheMessageParses() throws Exception {
		GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		greenMail.start();
		try (DirectSmtpConnection connection = DirectSmtpConnection.open(plain(greenMail.getSmtp().getPort(), null),
				watchdog)) {
			String raw = "From: Club <club@example.org>\r\nTo: ann@example.org\r\nSubject: dots\r\n"
					+ "Content-Type: text/plain; charset=US-ASCII\r\n\r\n.first\r\nmiddle\r\n..second\r\n.\r\nlast";
			PreparedMessage message = PreparedMessage
				.of(new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));

			SendResult result = connection.send(message);

			assertThat(connection.pipelining()).isFalse();
			assertThat(result.status()).isEqualTo(SendResult.Status.SENT);
			assertThat(result.reply()).startsWith("250");
			MimeMessage received = greenMail.getReceivedMessages()[0];
			assertThat(received.getSubject()).isEqualTo("dots");
			assertThat(GreenMailUtil.getBody(received)).isEqualTo(".first\r\nmiddle\r\n..second\r\n.\r\nlast");
		}
		finally {
			greenMail.stop();
		}
	}

	@Test
	void pipelinedEnvelopeRepliesAreReadTheSmtpWay() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				DirectSmtpConnection connection = DirectSmtpConnection.open(plain(server.port(), "bounces@example.org"),
						watchdog)) {
			server.replyToRecipients((recipient, attempt) -> switch (recipient) {
				case "gone@example.org" -> "550 5.1.1 no such user";
				case "busy@example.org" -> attempt == 1 ? "451 4.3.0 try later" : null;
				default -> null;
			});

			assertThat(connection.pipelining()).isTrue();
			assertThat(connection.send(message("ann@example.org")).status()).isEqualTo(SendResult.Status.SENT);
			SendResult gone = connection.send(message("gone@example.org"));
			assertThat(gone.status()).isEqualTo(SendResult.Status.FAILED);
			assertThat(gone.reply()).isEqualTo("550 5.1.1 no such user");
			assertThat(connection.send(message("busy@example.org")).status()).isEqualTo(SendResult.Status.DEFERRED);
			// After a refused envelope the connection is reset and goes on.
			assertThat(connection.send(message("busy@example.org")).status()).isEqualTo(SendResult.Status.SENT);
			assertThat(server.delivered()).containsExactly("ann@example.org", "busy@example.org");
		}
	}

	@Test
	void theNextEnvelopeGoesAheadAndAMessageTriedAgainNeverDeliversTheOneAfterItTwice() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				DirectSmtpConnection connection = DirectSmtpConnection.open(plain(server.port(), "bounces@example.org"),
						watchdog)) {
			server.replyToData((recipient, attempt) -> recipient.equals("busy@example.org") && attempt == 1
					? "451 4.3.0 try later" : null);
			PreparedMessage ann = message("ann@example.org");
			PreparedMessage busy = message("busy@example.org");
			PreparedMessage cid = message("cid@example.org");

			assertThat(connection.send(ann, busy).status()).isEqualTo(SendResult.Status.SENT);
			// busy's envelope went with ann's content: its message is sent without a
			// round trip of its own.
			assertThat(server.attempts("busy@example.org")).isEqualTo(1);
			SendResult deferred = connection.send(busy, cid);
			assertThat(deferred.status()).isEqualTo(SendResult.Status.DEFERRED);
			assertThat(deferred.reply()).isEqualTo("451 4.3.0 try later");
			// busy again, while the server holds cid's transaction open: a new
			// connection, cid's transaction dropped.
			assertThat(connection.send(busy, cid).status()).isEqualTo(SendResult.Status.SENT);
			assertThat(connection.send(cid, null).status()).isEqualTo(SendResult.Status.SENT);

			assertThat(server.delivered()).containsExactly("ann@example.org", "busy@example.org", "cid@example.org");
			assertThat(server.sessions()).isEqualTo(2);
		}
	}

	@Test
	void aRecipientRefusedAheadIsReportedWhenItsTurnComes() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				DirectSmtpConnection connection = DirectSmtpConnection.open(plain(server.port(), "bounces@example.org"),
						watchdog)) {
			server.replyToRecipients(
					(recipient, attempt) -> recipient.equals("gone@example.org") ? "550 5.1.1 no such user" : null);
			PreparedMessage ann = message("ann@example.org");
			PreparedMessage gone = message("gone@example.org");
			PreparedMessage cid = message("cid@example.org");

			assertThat(connection.send(ann, gone).status()).isEqualTo(SendResult.Status.SENT);
			SendResult refused = connection.send(gone, cid);
			assertThat(refused.status()).isEqualTo(SendResult.Status.FAILED);
			assertThat(refused.reply()).isEqualTo("550 5.1.1 no such user");
			assertThat(connection.send(cid, null).status()).isEqualTo(SendResult.Status.SENT);

			assertThat(server.delivered()).containsExactly("ann@example.org", "cid@example.org");
			assertThat(server.sessions()).isEqualTo(1);
		}
	}

	@Test
	void aServerThatNeverGreetsTimesOut() {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
			server.greetAfter(Duration.ofSeconds(30));
			long start = System.nanoTime();

			assertThatThrownBy(() -> DirectSmtpConnection.open(plain(server.port(), null), watchdog))
				.isInstanceOf(MailServerUnavailableException.class)
				.hasMessageContaining("read timed out");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		}
	}

	@Test
	void aQuotaReplyToMailFromIsARefusalOfTheSenderEvenWhenPipelinedAhead() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				DirectSmtpConnection connection = DirectSmtpConnection.open(plain(server.port(), "bounces@example.org"),
						watchdog)) {
			server.replyToSender(delivered -> delivered >= 1 ? "550 5.4.5 Daily sending quota exceeded" : null);
			PreparedMessage ann = message("ann@example.org");
			PreparedMessage bob = message("bob@example.org");

			assertThat(connection.send(ann, bob).status()).isEqualTo(SendResult.Status.SENT);
			assertThatThrownBy(() -> connection.send(bob, null)).isInstanceOf(SenderRefusedException.class)
				.hasMessage("the mail server refused the sender: 550 5.4.5 Daily sending quota exceeded");

			assertThat(server.delivered()).containsExactly("ann@example.org");
		}
	}

	@Test
	void aConnectionClosedAfterTheFinalDotLeavesTheMessageInDoubt() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				DirectSmtpConnection connection = DirectSmtpConnection.open(plain(server.port(), "bounces@example.org"),
						watchdog)) {
			server.replyToData((recipient, attempt) -> ScriptedSmtpServer.CLOSE_WITHOUT_REPLY);

			assertThatThrownBy(() -> connection.send(message("ann@example.org"))).isInstanceOf(NoReplyException.class)
				.hasMessageContaining("no reply after the message's content");
			// The server did take it: exactly why the message cannot be reported as not
			// sent.
			assertThat(server.delivered()).containsExactly("ann@example.org");
		}
	}

	private static SmtpSettings plain(int port, String envelopeFrom) {
		return new SmtpSettings("127.0.0.1", port, SmtpSettings.Security.NONE, null, true, null, null, null,
				envelopeFrom, TIMEOUT, TIMEOUT, TIMEOUT, null);
	}

	private PreparedMessage message(String to) throws Exception {
		String raw = "From: club@example.org\r\nTo: " + to + "\r\nSubject: hello\r\n\r\nHello\r\n";
		return PreparedMessage
			.of(new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
	}

}
