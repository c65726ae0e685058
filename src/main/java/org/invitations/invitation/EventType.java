package org.invitations.invitation;

/**
 * One entry of an invitation's history: the values of the {@code invitation_event.type}
 * check constraint.
 */
public enum EventType {

	QUEUED, SENDING, SENT, DEFERRED, FAILED, SKIPPED, IN_DOUBT, RESENT, REMINDED, EXPIRED, CANCELLED, ACCEPTED,
	INSPECTED, REDEEM_REFUSED, TOKEN_PURGED,

	/** A hard bounce reported. */
	BOUNCED,

	/** A temporary failure reported (counted; the invitation stays as it was). */
	SOFT_BOUNCED,

	/** The person reported the message as spam. */
	COMPLAINED;

	/** The value stored in the database. */
	public String dbValue() {
		return name();
	}

}
