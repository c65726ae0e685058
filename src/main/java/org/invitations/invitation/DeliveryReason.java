package org.invitations.invitation;

/**
 * Why a message's report row says what it says once the mail server answered, or could
 * not.
 */
public enum DeliveryReason implements Reason {

	/** The server refused the message for good. */
	SMTP_REJECTED,

	/** The server refused the message for now. */
	SMTP_TEMPORARY,

	/**
	 * Sent, but an earlier attempt may also have arrived (or no reply came to this one).
	 */
	IN_DOUBT,

	/**
	 * Its run was abandoned while its message was on its way: it may have arrived; its
	 * link is revoked.
	 */
	IN_DOUBT_CANCELLED,

	/** A reminder of an open invitation was sent. */
	REMINDER,

	/**
	 * Accepted by the server, then reported undeliverable for good by the recipient's (a
	 * hard bounce).
	 */
	BOUNCED

}
