package org.invitations.smtp;

import jakarta.mail.Session;
import org.jspecify.annotations.Nullable;
import org.invitations.mail.PreparedMessage;

/** Where emails go: an SMTP server, or the outbox folder when none is configured. */
public interface MailGateway {

	/**
	 * The JavaMail session for a message built with JavaMail (a run's notification)
	 * before it is prepared with {@link PreparedMessage#of}.
	 */
	Session session();

	/** Opens a connection that sends many messages; close it when done. */
	Connection open();

	/** Says where mail goes, for the operator. */
	String describe();

	/** One open connection to the server. */
	interface Connection extends AutoCloseable {

		/**
		 * Sends one message.
		 * @throws MailServerUnavailableException when the server cannot take any message
		 * now
		 */
		SendResult send(PreparedMessage message);

		/**
		 * Sends one message, knowing which one this connection will be asked to send
		 * next: a connection that pipelines may announce it along with this one. The next
		 * call must be for {@code next} or the connection pays for a new session.
		 * @throws MailServerUnavailableException when the server cannot take any message
		 * now
		 */
		default SendResult send(PreparedMessage message, @Nullable PreparedMessage next) {
			return send(message);
		}

		@Override
		void close();

	}

}
