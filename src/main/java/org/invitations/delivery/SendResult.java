package org.invitations.delivery;

/**
 * What the mail server said about one message.
 *
 * @param status SENT, FAILED (permanent, 5xx) or DEFERRED (temporary, 4xx)
 * @param reply the server's reply line
 */
public record SendResult(Status status, String reply) {

	public enum Status {

		SENT, FAILED, DEFERRED

	}

	public static SendResult sent(String reply) {
		return new SendResult(Status.SENT, reply);
	}

}
