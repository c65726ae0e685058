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

	void close() {
		if (connection != null) {
			connection.close();
			connection = null;
		}
	}

}
