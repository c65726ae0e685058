package org.invitations.smtp;

/**
 * A message's whole content reached the server, but its reply never came (the connection
 * closed, or the read timed out): the message may have been accepted. Sent again at most
 * once, identical, and reported in doubt.
 */
public class NoReplyException extends MailServerUnavailableException {

	NoReplyException(String message, Throwable cause) {
		super(message, cause);
	}

}
