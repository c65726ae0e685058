package org.invitations.delivery;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** Where emails go: an SMTP server, or the outbox folder when none is configured. */
public interface MailGateway {

	/** The session messages are built in. */
	Session session();

	/** Opens a connection that sends many messages; close it when done. */
	Connection open();

	/** Says where mail goes, for the operator. */
	String describe();

	/** One open connection to the server. */
	interface Connection extends AutoCloseable {

		/**
		 * Sends one message.
		 * @throws MailServerUnavailableException when the server cannot take any message now
		 */
		SendResult send(MimeMessage message);

		/**
		 * Sends one message, knowing which one this connection will be asked to send next: a connection that
		 * pipelines may announce it along with this one. The next call must be for {@code next} or the connection
		 * pays for a new session.
		 * @throws MailServerUnavailableException when the server cannot take any message now
		 */
		default SendResult send(MimeMessage message, MimeMessage next) {
			return send(message);
		}

		@Override
		void close();

	}

}
