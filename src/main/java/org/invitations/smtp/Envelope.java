package org.invitations.smtp;

import jakarta.mail.internet.InternetAddress;
import org.jspecify.annotations.Nullable;

import org.invitations.mail.PreparedMessage;

/**
 * A message's MAIL, RCPT and DATA commands, from its envelope: the one recipient it was
 * prepared for, never anything a header says.
 */
final class Envelope {

	private Envelope() {
	}

	/**
	 * MAIL, RCPT and DATA for a message; the configured envelope sender, if any, wins.
	 */
	static String[] commands(@Nullable String envelopeFrom, PreparedMessage message) {
		String to = address(message.to());
		String from = envelopeFrom != null ? envelopeFrom : address(message.from());
		return new String[] { "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA" };
	}

	/**
	 * The commands to send ahead, or null when the message's addresses cannot be used (it
	 * fails when sent itself).
	 */
	static String @Nullable [] commandsAhead(@Nullable String envelopeFrom, PreparedMessage message) {
		try {
			return commands(envelopeFrom, message);
		}
		catch (IllegalStateException ex) {
			return null;
		}
	}

	private static String address(InternetAddress address) {
		String value = address.getAddress();
		// Addresses were validated long before; a line break here would be a command of
		// its own.
		if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('>') >= 0) {
			throw new IllegalStateException("message has no usable address: it contains a forbidden character");
		}
		return value;
	}

}
