package org.invitations.mail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The prebuilt bytes are a conformant RFC 5322 / MIME message that a standard parser reads back exactly. */
class PreparedMessageTest {

	private final Session session = Session.getInstance(new Properties());

	@Test
	void parsesBackToTheSameTextAndHeaders() throws Exception {
		String text = "Hello Zoë,\n\n.a line starting with a dot\ntrailing space \n" + "x".repeat(200) + "\n=3D not an escape\n";
		String html = "<p>Hello Zoë</p>\r\n<a href=\"https://crm.example.org/p?token=abc_-123\">Set</a>\r\n";
		String subject = "Définissez votre mot de passe pour la Paroisse Saint-Étienne de Montréal et environs";
		InternetAddress from = new InternetAddress("Paroisse <no-reply@example.org>");
		InternetAddress to = new InternetAddress("zoe@example.org", "Zoë \"Z\" Łukasiewicz-Ångström", "UTF-8");

		PreparedMessage prepared = new PreparedMessage(42, from, to, subject, text, html, "example.org");
		byte[] bytes = prepared.bytes();
		assertThat(prepared.from().getAddress()).isEqualTo("no-reply@example.org");
		assertThat(prepared.to().getAddress()).isEqualTo("zoe@example.org");
		assertThat(prepared.invitationId()).isEqualTo(42L);
		assertThat(prepared.size()).isEqualTo(bytes.length);

		String wire = new String(bytes, StandardCharsets.US_ASCII);
		assertThat(wire.chars().allMatch(c -> c < 128)).isTrue();
		assertThat(wire.replace("\r\n", "")).doesNotContain("\r", "\n");
		assertThat(wire.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
		assertThat(wire.split("\r\n")).noneMatch(line -> line.startsWith("."));

		MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(bytes));
		assertThat(parsed.getSubject()).isEqualTo(subject);
		assertThat(((InternetAddress) parsed.getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal())
			.isEqualTo("Zoë \"Z\" Łukasiewicz-Ångström");
		assertThat(parsed.getMessageID()).startsWith("<invitation.42.").endsWith("@example.org>")
			.isEqualTo(prepared.messageId());
		assertThat(parsed.getSentDate().toInstant()).isBetween(Instant.now().minusSeconds(5), Instant.now());
		assertThat(parsed.getHeader(MailComposer.INVITATION_HEADER, null)).isEqualTo("42");
		MimeMultipart alternatives = (MimeMultipart) parsed.getContent();
		assertThat(alternatives.getContentType()).startsWith("multipart/alternative");
		assertThat(alternatives.getCount()).isEqualTo(2);
		BodyPart plain = alternatives.getBodyPart(0);
		BodyPart rich = alternatives.getBodyPart(1);
		assertThat(plain.isMimeType("text/plain")).isTrue();
		assertThat(rich.isMimeType("text/html")).isTrue();
		assertThat(((String) plain.getContent()).replace("\r\n", "\n")).isEqualTo(text);
		assertThat((String) rich.getContent()).isEqualTo(html);
	}

}
