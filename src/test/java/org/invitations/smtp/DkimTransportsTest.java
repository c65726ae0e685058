package org.invitations.smtp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.mail.DkimSigner;
import org.invitations.mail.PreparedMessage;
import org.invitations.testsupport.DkimVerifier;
import org.invitations.testsupport.ScriptedSmtpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both SMTP transports deliver a signed message byte for byte as it was signed, so its
 * DKIM signature verifies where it arrives: the built-in client (which dot-stuffs) and
 * Angus Mail (which sends a MimeMessage read back from the bytes); with RSA and Ed25519
 * keys, on a message whose lines start with dots.
 */
class DkimTransportsTest {

	@Test
	void theBuiltInClientAndAngusMailDeliverTheSignedBytesUnchanged() throws Exception {
		List<DkimVerifier.Check> checks = new ArrayList<>();
		for (DkimVerifier.Key key : List.of(DkimVerifier.rsa(), DkimVerifier.ed25519())) {
			DkimSigner signer = new DkimSigner("example.org", "relay", key.privateKey());
			for (boolean angus : new boolean[] { false, true }) {
				try (ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
					JavaMailSenderImpl sender = server.mailSender(5000);
					if (angus) {
						sender.getJavaMailProperties().setProperty("invitations.direct-smtp", "false");
					}
					PreparedMessage signed = message(sender.getSession()).signedBy(signer);
					assertThat(new String(signed.bytes(), StandardCharsets.US_ASCII))
						.contains("\r\n.a line starting with a dot\r\n..two\r\n.\r\n");
					try (SmtpGateway gateway = new SmtpGateway(sender);
							MailGateway.Connection connection = gateway.open()) {
						assertThat(connection instanceof DirectSmtpConnection).isEqualTo(!angus);
						assertThat(connection.send(signed).status()).isEqualTo(SendResult.Status.SENT);
					}

					byte[] arrived = server.contents("ops@example.org").get(0).getBytes(StandardCharsets.ISO_8859_1);
					assertThat(arrived).as(angus ? "Angus Mail" : "built-in client").isEqualTo(signed.bytes());
					checks.add(new DkimVerifier.Check(arrived, "example.org", "relay", key.txt()));
				}
			}
		}

		assertThat(DkimVerifier.verify(checks)).containsExactly(true, true, true, true);
	}

	private static PreparedMessage message(Session session) throws Exception {
		MimeMessage built = new MimeMessage(session);
		built.setFrom(new InternetAddress("reports@example.org", "Rapports de la Paroisse Saint-Étienne", "UTF-8"));
		built.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("ops@example.org"));
		built.setSubject("Run 12 completed: 26 sent, 0 failed, 0 deferred, 3 skipped, for the parish of "
				+ "Saint-Étienne-de-Montréal", "UTF-8");
		built.setText("All sent.\n.a line starting with a dot\n..two\n.\n\nend\n", "UTF-8");
		return PreparedMessage.of(built);
	}

}
