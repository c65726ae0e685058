package org.invitations.delivery;

import org.jspecify.annotations.Nullable;

import org.invitations.smtp.MailGateway;

/**
 * One of the step's SMTP connections: opened when first needed, kept for the step,
 * dropped after a failure, so that the next message opens a new one.
 */
final class ConnectionSlot {

	private final MailGateway gateway;

	private MailGateway.@Nullable Connection connection;

	ConnectionSlot(MailGateway gateway) {
		this.gateway = gateway;
	}

	MailGateway.Connection connection() {
		MailGateway.Connection open = connection;
		if (open == null) {
			open = gateway.open();
			connection = open;
		}
		return open;
	}

	/**
	 * Opens the connection if none is open, so that a message waiting for its turn is not
	 * delayed by the opening after it; a failure is left to the send, which retries it.
	 */
	void warm() {
		if (connection == null) {
			try {
				connection();
			}
			catch (RuntimeException ex) {
				// The send opens it again, with its retries.
			}
		}
	}

	void close() {
		if (connection != null) {
			connection.close();
			connection = null;
		}
	}

}
