package org.invitations.smtp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.mail.PreparedMessage;
import org.invitations.testsupport.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code mail.debug} on, Angus Mail's trace of a real conversation shows the
 * commands and the server's replies, never a message's content: the link in it stays out
 * of every log.
 */
class ContentHidingTraceTest {

	private static final String LINK = "https://crm.example.org/set-password?token=Zm9vYmFyYmF6cXV4c2VjcmV0";

	@Test
	void aRealConversationIsTracedWithoutTheMessage() throws Exception {
		ByteArrayOutputStream trace = new ByteArrayOutputStream();
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
			JavaMailSenderImpl sender = server.mailSender(1000);
			sender.getJavaMailProperties().setProperty("invitations.direct-smtp", "false");
			sender.getJavaMailProperties().setProperty("mail.debug", "true");
			sender.getSession().setDebugOut(ContentHidingTrace.onto(trace));
			try (SmtpGateway gateway = new SmtpGateway(sender)) {
				MailGateway.Connection connection = gateway.open();
				connection.send(message("ann@example.org"));
				connection.send(message("bob@example.org"));
			}
			assertThat(server.delivered()).containsExactly("ann@example.org", "bob@example.org");
		}
		String text = trace.toString(StandardCharsets.ISO_8859_1);
		assertThat(text).contains("EHLO", "RCPT TO:<ann@example.org>", "RCPT TO:<bob@example.org>", "354")
			.doesNotContain("token=", "Zm9vYmFy", "Subject: hello", "Hello Ann");
		assertThat(text.split("\\[message content not shown: \\d+ lines\\]", -1)).hasSize(3);
	}

	@Test
	void aRefusedDataAndDotStuffedLinesKeepTheTraceInStep() {
		ByteArrayOutputStream trace = new ByteArrayOutputStream();
		try (var out = ContentHidingTrace.onto(trace)) {
			out.print("DATA\r\n554 no valid recipients\r\nRSET\r\n250 OK\r\n");
			out.print("DATA\r\n354 go ahead\r\nSubject: x\r\n\r\n..\r\n" + LINK + "\r\n.\r\n250 queued\r\nQUIT\r\n");
		}
		assertThat(trace.toString(StandardCharsets.ISO_8859_1)).isEqualTo("DATA\r\n554 no valid recipients\r\n"
				+ "RSET\r\n250 OK\r\nDATA\r\n354 go ahead\r\n[message content not shown: 4 lines]\n.\r\n"
				+ "250 queued\r\nQUIT\r\n");
	}

	private static PreparedMessage message(String to) throws Exception {
		String raw = "From: club@example.org\r\nTo: " + to + "\r\nSubject: hello\r\n\r\nHello Ann\r\n" + LINK + "\r\n";
		return PreparedMessage.of(new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
	}

}
