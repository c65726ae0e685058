package org.invitations.smtp;

/**
 * The mail server refused the sender or the session (a quota, a rate, a policy, 421), not
 * a recipient: every further message would be refused too, so the run pauses with the
 * rest queued, nobody failed, to go on later.
 */
public class SenderRefusedException extends RuntimeException {

	private final String reply;

	public SenderRefusedException(String reply) {
		super("the mail server refused the sender: " + reply, null, false, false);
		this.reply = reply;
	}

	/** The server's reply, as received. */
	public String reply() {
		return reply;
	}

}
