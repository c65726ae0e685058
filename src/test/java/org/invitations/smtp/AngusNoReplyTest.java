package org.invitations.smtp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.mail.PreparedMessage;
import org.invitations.testsupport.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Angus Mail, where a login or TLS is configured, tells a message left without a reply
 * after its final dot (in doubt) from a server that failed before the content left.
 */
class AngusNoReplyTest {

	@Test
	void aReadTimeoutAfterTheFinalDotLeavesTheMessageInDoubt() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start(); SmtpGateway gateway = angus(server)) {
			server.replyToData((to, attempt) -> ScriptedSmtpServer.NEVER_REPLY);
			MailGateway.Connection connection = gateway.open();

			assertThatThrownBy(() -> connection.send(message())).isInstanceOf(NoReplyException.class)
				.hasMessageContaining("no reply after the message's content");
			assertThat(server.delivered()).containsExactly("ann@example.org");
		}
	}

	@Test
	void aReadTimeoutBeforeTheContentIsAServerUnavailableNotAMessageInDoubt() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start(); SmtpGateway gateway = angus(server)) {
			MailGateway.Connection connection = gateway.open();
			server.down();

			assertThatThrownBy(() -> connection.send(message())).isInstanceOf(MailServerUnavailableException.class)
				.isNotInstanceOf(NoReplyException.class);
			assertThat(server.delivered()).isEmpty();
		}
	}

	private static SmtpGateway angus(ScriptedSmtpServer server) {
		JavaMailSenderImpl sender = server.mailSender(1000);
		sender.getJavaMailProperties().setProperty("invitations.direct-smtp", "false");
		return new SmtpGateway(sender);
	}

	private static PreparedMessage message() throws Exception {
		String raw = "From: club@example.org\r\nTo: ann@example.org\r\nSubject: hello\r\n\r\nHello\r\n";
		return PreparedMessage.of(new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
	}

}
