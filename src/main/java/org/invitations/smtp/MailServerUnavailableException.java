package org.invitations.smtp;

/**
 * The mail server cannot be reached or dropped the connection: nothing about the
 * recipient, so the job stops (restartably) instead of failing people.
 */
public class MailServerUnavailableException extends RuntimeException {

	public MailServerUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
