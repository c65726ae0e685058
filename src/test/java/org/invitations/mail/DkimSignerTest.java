package org.invitations.mail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.invitations.smtp.MailGateway;
import org.invitations.smtp.OutboxGateway;
import org.invitations.testsupport.DkimVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DKIM signatures checked by an independent verifier (dkimpy): RSA-SHA256 and
 * Ed25519-SHA256 on an invitation with a non-ASCII name and a folded subject, as the
 * outbox writes it, and on a notification built by JavaMail whose lines start with a dot;
 * one changed body byte, or another selector, fails, so the check can fail.
 */
class DkimSignerTest {

	private static final DkimVerifier.Key RSA = DkimVerifier.rsa();

	private static final DkimVerifier.Key ED25519 = DkimVerifier.ed25519();

	@TempDir
	Path folder;

	private static PreparedMessage invitation() throws Exception {
		return new PreparedMessage(42, new InternetAddress("Paroisse Saint-Étienne <no-reply@example.org>", true),
				new InternetAddress("zoe@example.org", "Zoë Łukasiewicz-Ångström 山田", "UTF-8"),
				"Définissez votre mot de passe pour la Paroisse Saint-Étienne de Montréal et de ses environs",
				"Bonjour Zoë,\n\n.une ligne qui commence par un point\n  deux   espaces  \n\n\n",
				"<p>Bonjour   Zoë</p>\r\n\r\n", "example.org");
	}

	private static PreparedMessage notification() throws Exception {
		MimeMessage built = new MimeMessage(Session.getInstance(new Properties()));
		built.setFrom(new InternetAddress("reports@example.org"));
		built.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("ops@example.org"));
		built.setSubject("Run 12 completed");
		built.setText("All sent.\n.hidden line\n..two dots\n.\nend\n");
		return PreparedMessage.of(built);
	}

	@Test
	void rsaAndEd25519SignaturesVerifyAsTheOutboxWritesThemAndAChangedBodyByteFails() throws Exception {
		List<DkimVerifier.Check> checks = new ArrayList<>();
		for (DkimVerifier.Key key : List.of(RSA, ED25519)) {
			DkimSigner signer = new DkimSigner("example.org", "inv2026", key.privateKey());
			PreparedMessage signed = invitation().signedBy(signer);

			Path outbox = folder.resolve(signer.algorithm());
			try (MailGateway.Connection connection = new OutboxGateway(outbox).open()) {
				connection.send(signed);
				connection.send(notification().signedBy(signer));
			}
			List<Path> files;
			try (Stream<Path> listed = Files.list(outbox)) {
				files = listed.sorted().toList();
			}
			assertThat(files).hasSize(2);
			assertThat(files.get(0)).hasBinaryContent(signed.bytes());
			assertThat(new String(Files.readAllBytes(files.get(1)), StandardCharsets.US_ASCII))
				.contains("\r\n.hidden line\r\n..two dots\r\n.\r\n");
			for (Path file : files) {
				checks.add(new DkimVerifier.Check(Files.readAllBytes(file), "example.org", "inv2026", key.txt()));
			}

			String text = new String(signed.bytes(), StandardCharsets.US_ASCII);
			assertThat(text).startsWith("DKIM-Signature: v=1; a=" + signer.algorithm() + "; c=relaxed/relaxed;");
			String header = text.substring(0, text.indexOf("\r\n\r\n"));
			assertThat(header.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
			String field = header.substring(0, header.indexOf("\r\nDate:")).replaceAll("\\s", "");
			assertThat(field).contains(";h=from:from:to:subject:subject:date:message-id:mime-version:content-type:"
					+ "x-invitation-id;bh=");
			assertThat(field).containsPattern(";d=example.org;s=inv2026;t=\\d{10};");

			checks.add(new DkimVerifier.Check(signed.bytes(), "example.org", "other", key.txt()));
			byte[] changed = signed.bytes().clone();
			changed[text.indexOf("Bonjour Zo")] = 'b';
			checks.add(new DkimVerifier.Check(changed, "example.org", "inv2026", key.txt()));
		}

		assertThat(DkimVerifier.verify(checks)).containsExactly(true, true, false, false, true, true, false, false);
	}

}
