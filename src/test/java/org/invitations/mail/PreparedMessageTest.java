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

/**
 * The prebuilt bytes are a conformant RFC 5322 / MIME message that a standard parser
 * reads back exactly.
 */
class PreparedMessageTest {

	private final Session session = Session.getInstance(new Properties());

	@Test
	void parsesBackToTheSameTextAndHeaders() throws Exception {
		String text = "Hello Zoë,\n\n.a line starting with a dot\ntrailing space \n" + "x".repeat(200)
				+ "\n=3D not an escape\n";
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
		assertThat(parsed.getMessageID()).startsWith("<invitation.42.")
			.endsWith("@example.org>")
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

	/**
	 * The sender writes an invitation's message without looking for lines to dot-stuff:
	 * checked here on random subjects, names and bodies full of dots, line breaks and
	 * long lines.
	 */
	@Test
	void noLineOfAnInvitationStartsWithADot() throws Exception {
		String[] pieces = { ".", "..", "\n.", "\r\n.", " ", "\n", "é", "x".repeat(75), ".".repeat(90), "=", "\t" };
		java.util.Random random = new java.util.Random(5321);
		InternetAddress from = new InternetAddress("Club . <club@example.org>");
		for (int n = 0; n < 2000; n++) {
			String[] parts = new String[4];
			for (int p = 0; p < parts.length; p++) {
				StringBuilder part = new StringBuilder();
				for (int k = random.nextInt(30); k > 0; k--) {
					part.append(pieces[random.nextInt(pieces.length)]);
				}
				parts[p] = part.toString();
			}
			InternetAddress to = new InternetAddress("ann@example.org", parts[0], "UTF-8");
			PreparedMessage prepared = new PreparedMessage(n, from, to, parts[1], parts[2], parts[3], "example.org");
			assertThat(prepared.dotLines()).isFalse();
			assertThat(PreparedMessage.dotLines(prepared.bytes(), prepared.size())).as(parts[1]).isFalse();
		}
	}

	@Test
	void everyMessageHasItsOwnMessageIdEvenForTheSameInvitation() throws Exception {
		InternetAddress from = new InternetAddress("club@example.org");
		InternetAddress to = new InternetAddress("ann@example.org");
		java.util.Set<String> ids = new java.util.HashSet<>();
		for (int i = 0; i < 1000; i++) {
			PreparedMessage prepared = new PreparedMessage(7, from, to, "Hi", "Hello\n", "<title>Hi</title>",
					"example.org");
			assertThat(prepared.messageId()).matches("<invitation\\.7\\.[0-9a-z]+\\.[0-9a-z]+@example\\.org>");
			ids.add(prepared.messageId());
		}
		assertThat(ids).hasSize(1000);
	}

	@Test
	void aRealMimeMessageReadBackFromTheBytesWritesTheSameBytes() throws Exception {
		PreparedMessage prepared = new PreparedMessage(7, new InternetAddress("club@example.org"),
				new InternetAddress("ann@example.org", "Ann", "UTF-8"), "Hi", "Hello\n", "<title>Hi</title>",
				"example.org");

		MimeMessage real = prepared.toMimeMessage(session);
		java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
		real.writeTo(written);

		assertThat(written.toByteArray()).isEqualTo(prepared.bytes());
		assertThat(real.getMessageID()).isEqualTo(prepared.messageId());
		assertThat(real.getAllRecipients()).extracting(address -> ((InternetAddress) address).getAddress())
			.containsExactly("ann@example.org");
	}

	@Test
	void aMessageJavaMailBuiltIsPreparedWithItsEnvelopeAndIds() throws Exception {
		MimeMessage built = new MimeMessage(session);
		built.setFrom(new InternetAddress("reports@example.org"));
		built.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("ops@example.org"));
		built.setSubject("Run 12 completed");
		built.setText("All sent.");

		PreparedMessage prepared = PreparedMessage.of(built);

		assertThat(prepared.from().getAddress()).isEqualTo("reports@example.org");
		assertThat(prepared.to().getAddress()).isEqualTo("ops@example.org");
		assertThat(prepared.invitationId()).isNull();
		assertThat(prepared.messageId()).isEqualTo(built.getMessageID()).isNotBlank();
		MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(prepared.bytes()));
		assertThat(parsed.getSubject()).isEqualTo("Run 12 completed");
		assertThat(((String) parsed.getContent()).strip()).isEqualTo("All sent.");
	}

	@Test
	void aMessageWithMoreThanOneRecipientIsRefused() throws Exception {
		MimeMessage built = new MimeMessage(session);
		built.setFrom(new InternetAddress("reports@example.org"));
		built.setRecipients(MimeMessage.RecipientType.TO, "a@example.org, b@example.org");
		built.setText("x");

		org.assertj.core.api.Assertions.assertThatThrownBy(() -> PreparedMessage.of(built))
			.isInstanceOf(jakarta.mail.MessagingException.class)
			.hasMessageContaining("exactly one recipient");
	}

}
