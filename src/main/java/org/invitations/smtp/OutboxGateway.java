package org.invitations.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import jakarta.mail.Session;
import org.invitations.mail.PreparedMessage;

/**
 * Writes each message as an {@code .eml} file into a folder: the default when no SMTP
 * server is configured, so a first run shows exactly what would be sent.
 */
public class OutboxGateway implements MailGateway {

	private final Path folder;

	private final Session session = Session.getInstance(new Properties());

	public OutboxGateway(Path folder) {
		this.folder = folder.toAbsolutePath().normalize();
	}

	public Path folder() {
		return folder;
	}

	@Override
	public Session session() {
		return session;
	}

	@Override
	public String describe() {
		return "outbox folder " + folder;
	}

	@Override
	public Connection open() {
		try {
			Files.createDirectories(folder);
		}
		catch (IOException ex) {
			throw new MailServerUnavailableException("cannot create " + folder + ": " + ex.getMessage(), ex);
		}
		return new Connection() {

			@Override
			public SendResult send(PreparedMessage message) {
				try {
					String unique = Integer.toHexString(message.messageId().hashCode());
					// A run's notification is for no invitation: named for what it is.
					String name = message.invitationId() == null ? "notification-" + unique
							: "invitation-" + message.invitationId() + "-" + unique;
					Path file = folder.resolve(name + ".eml");
					try (OutputStream out = Files.newOutputStream(file)) {
						out.write(message.bytes());
					}
					return SendResult.sent("250 written to " + file.getFileName());
				}
				catch (IOException ex) {
					throw new MailServerUnavailableException("cannot write to " + folder + ": " + ex.getMessage(), ex);
				}
			}

			@Override
			public void close() {
			}
		};
	}

}
