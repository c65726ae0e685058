package org.invitations.delivery;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.mail.PendingInvitation;
import org.invitations.mail.PreparedMessage;
import org.invitations.smtp.NoReplyException;
import org.invitations.smtp.SendResult;
import org.invitations.smtp.SmtpGateway;
import org.invitations.spec.Kind;
import org.invitations.testsupport.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A message without a reply, sent once more: whatever the second attempt gets it is SENT
 * in doubt, and silence then (a read timeout) says that the server stopped answering. The
 * same with the built-in client and with Angus Mail, against a real, scripted server.
 */
class InDoubtResendTest {

	private static final String ANN = "ann@example.org";

	private final ScriptedSmtpServer server = ScriptedSmtpServer.start();

	private SmtpGateway gateway;

	@AfterEach
	void stop() {
		server.close();
		if (gateway != null) {
			gateway.close();
		}
	}

	@ParameterizedTest(name = "built-in client: {0}")
	@ValueSource(booleans = { true, false })
	void silenceAfterTheResendMeansTheServerStoppedAnswering(boolean builtIn) throws Exception {
		server.replyToData((to, attempt) -> ScriptedSmtpServer.NEVER_REPLY);
		ConnectionSlot slot = slot(builtIn);
		PreparedMessage message = message();
		NoReplyException first = firstAttempt(slot, message);

		StoppedAnsweringException stopped = catchThrowableOfType(StoppedAnsweringException.class,
				() -> new InDoubtResend(new RateLimiter(0)).send(slot, claim(), message, first));

		assertThat(stopped.getMessage())
			.startsWith("the mail server stopped answering: no reply to a message's content");
		assertThat(stopped.detail()).endsWith("(read timed out)");
		assertThat(stopped.inDoubt().status()).isEqualTo(SendResult.Status.SENT);
		assertThat(stopped.inDoubt().inDoubt()).isTrue();
		assertThat(stopped.inDoubt().reply()).contains("no reply came either").contains("never sent a third time");
		assertThat(server.contents(ANN)).hasSize(2);
	}

	@ParameterizedTest(name = "built-in client: {0}")
	@ValueSource(booleans = { true, false })
	void aResendWhoseServerNeverGreetsMeetsSilenceToo(boolean builtIn) throws Exception {
		server.replyToData((to, attempt) -> ScriptedSmtpServer.NEVER_REPLY);
		ConnectionSlot slot = slot(builtIn);
		PreparedMessage message = message();
		NoReplyException first = firstAttempt(slot, message);
		server.greet(false);

		assertThatThrownBy(() -> new InDoubtResend(new RateLimiter(0)).send(slot, claim(), message, first))
			.isInstanceOf(StoppedAnsweringException.class);
		assertThat(server.contents(ANN)).hasSize(1);
	}

	@ParameterizedTest(name = "built-in client: {0}")
	@ValueSource(booleans = { true, false })
	void aConnectionClosedAfterTheResendIsNoSilence(boolean builtIn) throws Exception {
		server.replyToData((to, attempt) -> ScriptedSmtpServer.CLOSE_WITHOUT_REPLY);
		ConnectionSlot slot = slot(builtIn);
		PreparedMessage message = message();
		NoReplyException first = firstAttempt(slot, message);

		SendResult result = new InDoubtResend(new RateLimiter(0)).send(slot, claim(), message, first);

		assertThat(result.status()).isEqualTo(SendResult.Status.SENT);
		assertThat(result.inDoubt()).isTrue();
		assertThat(result.reply()).contains("no reply came either");
		assertThat(server.contents(ANN)).hasSize(2);
	}

	private static NoReplyException firstAttempt(ConnectionSlot slot, PreparedMessage message) {
		NoReplyException first = catchThrowableOfType(NoReplyException.class,
				() -> slot.connection().send(message, null));
		assertThat(first).isNotNull();
		slot.close();
		return first;
	}

	private ConnectionSlot slot(boolean builtIn) {
		JavaMailSenderImpl sender = server.mailSender(1000);
		sender.getJavaMailProperties().setProperty("invitations.direct-smtp", Boolean.toString(builtIn));
		gateway = new SmtpGateway(sender);
		return new ConnectionSlot(gateway);
	}

	private static DeliveryStore.Claim claim() {
		return new DeliveryStore.Claim(
				new PendingInvitation(1, 1, Kind.INVITATION, Duration.ofDays(1), ANN, "Ann", "Archer", "volunteer"),
				"token", Instant.now().plus(Duration.ofDays(1)), false, 1);
	}

	private static PreparedMessage message() throws Exception {
		String raw = "From: club@example.org\r\nTo: " + ANN + "\r\nSubject: hello\r\n\r\nHello\r\n";
		return PreparedMessage.of(new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
	}

}
