package org.invitations.smtp;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.mail.PreparedMessage;
import org.invitations.testsupport.ScriptedSmtpServer;
import org.invitations.testsupport.TestTls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The built-in client on every transport, configured as Spring Boot configures Angus
 * Mail: plain, STARTTLS and implicit TLS, with and without a login, against a scripted
 * server that pipelines and against GreenMail's SMTPS; certificates checked, refusals in
 * one line that names the server.
 */
class SmtpTransportsTest {

	private final Session session = Session.getInstance(new Properties());

	enum Transport {

		PLAIN, STARTTLS, IMPLICIT_TLS

	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void everyTransportSendsAndPipelinesWithAndWithoutALogin(Transport transport) throws Exception {
		for (boolean login : new boolean[] { false, true }) {
			try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
				serve(server, transport, "localhost");
				if (login) {
					server.requireLogin("club", "s3cret é");
				}
				SmtpGateway gateway = gateway(server.port(), transport, TestTls.trusting("localhost"),
						login ? "club" : null, "s3cret é");

				try (gateway; MailGateway.Connection connection = gateway.open()) {
					PreparedMessage ann = message("ann@example.org");
					PreparedMessage bob = message("bob@example.org");
					PreparedMessage cid = message("cid@example.org");
					assertThat(connection).isInstanceOf(DirectSmtpConnection.class);
					assertThat(((DirectSmtpConnection) connection).pipelining()).isTrue();
					assertThat(connection.send(ann, bob).status()).isEqualTo(SendResult.Status.SENT);
					assertThat(connection.send(bob, cid).status()).isEqualTo(SendResult.Status.SENT);
					assertThat(connection.send(cid, null).status()).isEqualTo(SendResult.Status.SENT);
				}

				assertThat(gateway.describe()).contains("built-in client");
				assertThat(server.delivered()).containsExactly("ann@example.org", "bob@example.org", "cid@example.org");
				assertThat(server.sessions()).isEqualTo(1);
				assertThat(server.deliveredEncrypted()).isEqualTo(transport == Transport.PLAIN ? 0 : 3);
				assertThat(server.logins()).isEqualTo(login ? List.of("club") : List.of());
			}
		}
	}

	@Test
	void opportunisticStartTlsEncryptsWhereOfferedAndSendsPlainWhereNot() throws Exception {
		for (boolean offered : new boolean[] { true, false }) {
			try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
				if (offered) {
					server.offerStartTls(TestTls.server("localhost"));
				}
				JavaMailSenderImpl sender = sender(server.port());
				sender.getJavaMailProperties().setProperty("mail.smtp.starttls.enable", "true");
				sender.getJavaMailProperties().put("mail.smtp.ssl.socketFactory", TestTls.trusting("localhost"));

				try (SmtpGateway gateway = new SmtpGateway(sender);
						MailGateway.Connection connection = gateway.open()) {
					assertThat(gateway.describe()).contains("STARTTLS when offered");
					assertThat(connection.send(message("ann@example.org")).status()).isEqualTo(SendResult.Status.SENT);
				}

				assertThat(server.deliveredEncrypted()).isEqualTo(offered ? 1 : 0);
			}
		}
	}

	@Test
	void requiredStartTlsSendsNothingToAServerThatDoesNotOfferIt() {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				SmtpGateway gateway = gateway(server.port(), Transport.STARTTLS, TestTls.trusting("localhost"), null,
						null)) {

			assertThatThrownBy(gateway::open).isInstanceOf(MailServerUnavailableException.class)
				.hasMessage("cannot connect to SMTP server 127.0.0.1:" + server.port()
						+ ": the server does not offer STARTTLS (mail.smtp.starttls.required=true)");
			assertThat(server.delivered()).isEmpty();
		}
	}

	@Test
	void aCertificateNotTrustedIsRefusedInOneLineThatNamesTheServer() {
		for (Transport transport : List.of(Transport.IMPLICIT_TLS, Transport.STARTTLS)) {
			try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
					SmtpGateway gateway = gateway(server.port(), transport, TestTls.trusting("elsewhere"), null,
							null)) {
				serve(server, transport, "localhost");

				assertThatThrownBy(gateway::open).isInstanceOf(MailServerUnavailableException.class)
					.hasMessageStartingWith("cannot connect to SMTP server 127.0.0.1:" + server.port()
							+ ": TLS: the server's certificate is not trusted (")
					.hasMessageEndingWith("; name it or its CA in spring.mail.ssl.bundle)")
					.hasMessageNotContaining("\n");
				assertThat(server.delivered()).isEmpty();
			}
		}
	}

	@Test
	void aTrustedCertificateForAnotherHostIsRefused() {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				SmtpGateway gateway = gateway(server.port(), Transport.IMPLICIT_TLS, TestTls.trusting("elsewhere"),
						null, null)) {
			serve(server, Transport.IMPLICIT_TLS, "elsewhere");

			assertThatThrownBy(gateway::open).isInstanceOf(MailServerUnavailableException.class)
				.hasMessageStartingWith("cannot connect to SMTP server 127.0.0.1:" + server.port()
						+ ": TLS: the server's certificate is not for this host (");
		}
	}

	@Test
	void withTheHostNameCheckSwitchedOffATrustedCertificateForAnotherHostIsTaken() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
			serve(server, Transport.IMPLICIT_TLS, "elsewhere");
			JavaMailSenderImpl sender = sender(server.port());
			sender.getJavaMailProperties().setProperty("mail.smtp.ssl.enable", "true");
			sender.getJavaMailProperties().put("mail.smtp.ssl.socketFactory", TestTls.trusting("elsewhere"));
			// What spring.mail.ssl.verify-hostname=false becomes
			// (MailGatewayConfiguration).
			sender.getJavaMailProperties().setProperty("mail.smtp.ssl.checkserveridentity", "false");

			try (SmtpGateway gateway = new SmtpGateway(sender); MailGateway.Connection connection = gateway.open()) {
				assertThat(connection.send(message("ann@example.org")).status()).isEqualTo(SendResult.Status.SENT);
			}
			assertThat(server.deliveredEncrypted()).isEqualTo(1);
		}
	}

	@Test
	void aWrongPasswordIsRefusedNamingTheUserAndNeverThePassword() {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				SmtpGateway gateway = gateway(server.port(), Transport.IMPLICIT_TLS, TestTls.trusting("localhost"),
						"club", "wrong-password")) {
			serve(server, Transport.IMPLICIT_TLS, "localhost");
			server.requireLogin("club", "s3cret");

			assertThatThrownBy(gateway::open).isInstanceOf(MailServerUnavailableException.class)
				.hasMessage("cannot connect to SMTP server 127.0.0.1:" + server.port()
						+ ": login as club (PLAIN) refused: 535 5.7.8 Authentication credentials invalid")
				.hasMessageNotContaining("wrong-password");
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void onEveryTransportAMessageWithoutAReplyIsInDoubtAndAQuotaPausesTheRun(Transport transport) throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				SmtpGateway gateway = gateway(server.port(), transport, TestTls.trusting("localhost"), "club",
						"s3cret")) {
			serve(server, transport, "localhost");
			server.requireLogin("club", "s3cret");
			server.replyToData((recipient, attempt) -> recipient.equals("lost@example.org")
					? ScriptedSmtpServer.CLOSE_WITHOUT_REPLY
					: recipient.equals("busy@example.org") ? "421 4.3.2 closing" : null);
			server.replyToSender(delivered -> delivered >= 3 ? "550 5.4.5 Daily sending quota exceeded" : null);

			try (MailGateway.Connection connection = gateway.open()) {
				assertThat(connection.send(message("ann@example.org")).status()).isEqualTo(SendResult.Status.SENT);
				assertThatThrownBy(() -> connection.send(message("lost@example.org")))
					.isInstanceOf(NoReplyException.class)
					.hasMessageContaining("SMTP server 127.0.0.1:" + server.port() + " sent no reply");
			}
			try (MailGateway.Connection connection = gateway.open()) {
				assertThatThrownBy(() -> connection.send(message("busy@example.org")))
					.isInstanceOf(SenderRefusedException.class)
					.hasMessageContaining("421 4.3.2 closing");
			}
			try (MailGateway.Connection connection = gateway.open()) {
				assertThat(connection.send(message("bob@example.org")).status()).isEqualTo(SendResult.Status.SENT);
				assertThatThrownBy(() -> connection.send(message("cid@example.org")))
					.isInstanceOf(SenderRefusedException.class)
					.hasMessageContaining("550 5.4.5 Daily sending quota exceeded");
			}
			assertThat(server.delivered()).containsExactly("ann@example.org", "lost@example.org", "bob@example.org");
			assertThat(server.deliveredEncrypted()).isEqualTo(transport == Transport.PLAIN ? 0 : 3);
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void onEveryTransportSilenceAfterTheFinalDotIsInDoubtWithinTheReadTimeout(Transport transport) throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				SmtpGateway gateway = gateway(server.port(), transport, TestTls.trusting("localhost"), "club",
						"s3cret")) {
			serve(server, transport, "localhost");
			server.requireLogin("club", "s3cret");
			server.replyToData((recipient, attempt) -> ScriptedSmtpServer.NEVER_REPLY);
			long start = System.nanoTime();

			try (MailGateway.Connection connection = gateway.open()) {
				assertThatThrownBy(() -> connection.send(message("ann@example.org")))
					.isInstanceOf(NoReplyException.class)
					.hasMessageContaining("sent no reply after the message's content (read timed out)");
			}

			// The read timeout is 2 s: given up after it, not after the server's
			// pleasure.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
			assertThat(server.delivered()).containsExactly("ann@example.org");
		}
	}

	@Test
	void greenMailsSmtpsTakesMailAfterALoginOverImplicitTls() throws Exception {
		TestTls.greenMailPresentsLocalhost();
		GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS))
			.withConfiguration(GreenMailConfiguration.aConfig().withUser("club@example.org", "club", "s3cret"));
		greenMail.start();
		try (SmtpGateway gateway = gateway(greenMail.getSmtps().getPort(), Transport.IMPLICIT_TLS,
				TestTls.trusting("localhost"), "club", "s3cret")) {
			try (MailGateway.Connection connection = gateway.open()) {
				assertThat(connection.send(message("ann@example.org")).status()).isEqualTo(SendResult.Status.SENT);
				assertThat(connection.send(message("bob@example.org")).status()).isEqualTo(SendResult.Status.SENT);
			}
			assertThat(greenMail.getReceivedMessages()).hasSize(2);
			assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("hello");

			// XOAUTH2, as Google and Microsoft 365 take it: an access token where the
			// password goes.
			JavaMailSenderImpl oauth = sender(greenMail.getSmtps().getPort());
			oauth.getJavaMailProperties().setProperty("mail.smtp.ssl.enable", "true");
			oauth.getJavaMailProperties().put("mail.smtp.ssl.socketFactory", TestTls.trusting("localhost"));
			oauth.getJavaMailProperties().setProperty("mail.smtp.auth.mechanisms", "XOAUTH2");
			oauth.setUsername("club");
			oauth.setPassword("s3cret");
			try (SmtpGateway token = new SmtpGateway(oauth); MailGateway.Connection connection = token.open()) {
				assertThat(connection.send(message("cid@example.org")).status()).isEqualTo(SendResult.Status.SENT);
			}
			assertThat(greenMail.getReceivedMessages()).hasSize(3);

			try (SmtpGateway wrong = gateway(greenMail.getSmtps().getPort(), Transport.IMPLICIT_TLS,
					TestTls.trusting("localhost"), "club", "guess")) {
				assertThatThrownBy(wrong::open).isInstanceOf(MailServerUnavailableException.class)
					.hasMessageContaining("login as club (PLAIN) refused: 535");
			}
		}
		finally {
			greenMail.stop();
		}
	}

	@Test
	void settingsOnlyAngusMailUnderstandsLeaveTheSendingToIt() {
		JavaMailSenderImpl sender = sender(2525);
		sender.getJavaMailProperties().setProperty("mail.smtp.ssl.trust", "*");

		try (SmtpGateway gateway = new SmtpGateway(sender)) {
			assertThat(gateway.describe())
				.isEqualTo("SMTP server 127.0.0.1:2525 (Angus Mail, since mail.smtp.ssl.trust)");
		}
	}

	private static void serve(ScriptedSmtpServer server, Transport transport, String certificate) {
		switch (transport) {
			case STARTTLS -> server.offerStartTls(TestTls.server(certificate));
			case IMPLICIT_TLS -> server.implicitTls(TestTls.server(certificate));
			default -> {
			}
		}
	}

	/**
	 * A gateway on the mail sender Spring Boot would build:
	 * {@code spring.mail.ssl.enabled} gives {@code mail.smtp.ssl.enable},
	 * {@code spring.mail.ssl.bundle} the socket factory.
	 */
	private static SmtpGateway gateway(int port, Transport transport, SSLSocketFactory trusted,
			@Nullable String username, @Nullable String password) {
		JavaMailSenderImpl sender = sender(port);
		Properties properties = sender.getJavaMailProperties();
		switch (transport) {
			case STARTTLS -> {
				properties.setProperty("mail.smtp.starttls.enable", "true");
				properties.setProperty("mail.smtp.starttls.required", "true");
				properties.put("mail.smtp.ssl.socketFactory", trusted);
			}
			case IMPLICIT_TLS -> {
				properties.setProperty("mail.smtp.ssl.enable", "true");
				properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
				properties.put("mail.smtp.ssl.socketFactory", trusted);
			}
			default -> {
			}
		}
		sender.setUsername(username);
		sender.setPassword(password);
		return new SmtpGateway(sender);
	}

	private static JavaMailSenderImpl sender(int port) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		sender.getJavaMailProperties().setProperty("mail.smtp.from", "bounces@example.org");
		sender.getJavaMailProperties().setProperty("mail.smtp.connectiontimeout", "2000");
		sender.getJavaMailProperties().setProperty("mail.smtp.timeout", "2000");
		return sender;
	}

	private PreparedMessage message(String to) throws Exception {
		String raw = "From: club@example.org\r\nTo: " + to + "\r\nSubject: hello\r\n\r\nHello\r\n";
		return PreparedMessage
			.of(new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
	}

}
