package org.invitations.delivery;

import org.invitations.smtp.MailServerUnavailableException;
import org.invitations.smtp.SendResult;

/**
 * The mail server stopped answering: no reply came to a message's content, nor to the
 * same message sent once more on a new connection. That message is SENT in doubt
 * ({@link #inDoubt()}), and the run stops, restartably, instead of handing the same
 * silence every following message. Never retried: the silence after a resend is the
 * server's answer.
 */
public class StoppedAnsweringException extends MailServerUnavailableException {

	/** The outcome of the message that met the silence twice. */
	private final transient SendResult inDoubt;

	private final String detail;

	StoppedAnsweringException(String detail, SendResult inDoubt, Throwable cause) {
		super("the mail server stopped answering: " + detail, cause);
		this.detail = detail;
		this.inDoubt = inDoubt;
	}

	/** What went unanswered, for a line that names the server itself. */
	public String detail() {
		return detail;
	}

	SendResult inDoubt() {
		return inDoubt;
	}

}
