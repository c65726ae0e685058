package org.invitations.smtp;

/**
 * What the mail server said about one message.
 *
 * @param status SENT, FAILED (permanent, 5xx) or DEFERRED (temporary, 4xx)
 * @param reply the server's reply line, or what happened when none came
 * @param inDoubt no reply came to an attempt whose content had reached the server: it may
 * have arrived twice
 */
public record SendResult(Status status, String reply, boolean inDoubt) {

	public SendResult(Status status, String reply) {
		this(status, reply, false);
	}

	public enum Status {

		SENT, FAILED, DEFERRED

	}

	public static SendResult sent(String reply) {
		return new SendResult(Status.SENT, reply);
	}

}
