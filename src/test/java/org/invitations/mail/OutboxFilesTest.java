package org.invitations.mail;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.invitations.smtp.SendResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prepared messages in the outbox: each written as it would have gone to the server, one
 * file each, named for the invitation it carries or, for a run's notification, as a
 * notification.
 */
class OutboxFilesTest {

	@TempDir
	Path folder;

	@Test
	void invitationsAndNotificationsAreWrittenAsMessagesNamedForWhatTheyAre() throws Exception {
		Session session = Session.getInstance(new Properties());
		PreparedMessage invitation = new PreparedMessage(42, new InternetAddress("club@example.org"),
				new InternetAddress("ann@example.org"), "Set your password", "text", "<p>html</p>", "example.org");
		MimeMessage built = new MimeMessage(session);
		built.setFrom(new InternetAddress("reports@example.org"));
		built.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress("ops@example.org"));
		built.setSubject("Run 12 completed");
		built.setText("All sent.");
		PreparedMessage notification = PreparedMessage.of(built);

		OutboxGateway outbox = new OutboxGateway(folder.resolve("outbox"));
		try (MailGateway.Connection connection = outbox.open()) {
			assertThat(connection.send(invitation).status()).isEqualTo(SendResult.Status.SENT);
			assertThat(connection.send(notification).status()).isEqualTo(SendResult.Status.SENT);
		}

		List<Path> files;
		try (Stream<Path> listed = Files.list(folder.resolve("outbox"))) {
			files = listed.sorted().toList();
		}
		assertThat(files).extracting(file -> file.getFileName().toString())
			.satisfiesExactly(name -> assertThat(name).matches("invitation-42-[0-9a-f]+\\.eml"),
					name -> assertThat(name).matches("notification-[0-9a-f]+\\.eml"));
		MimeMessage written = new MimeMessage(session, new ByteArrayInputStream(Files.readAllBytes(files.get(1))));
		assertThat(written.getSubject()).isEqualTo("Run 12 completed");
		assertThat(files.get(0)).hasBinaryContent(invitation.bytes());
	}

}
