package org.invitations.invitation;

/**
 * One entry of an invitation's history: the values of the {@code invitation_event.type}
 * check constraint.
 */
public enum EventType {

	QUEUED, SENDING, SENT, DEFERRED, FAILED, SKIPPED, IN_DOUBT, RESENT, REMINDED, EXPIRED, CANCELLED, ACCEPTED,
	INSPECTED, REDEEM_REFUSED, TOKEN_PURGED;

	/** The value stored in the database. */
	public String dbValue() {
		return name();
	}

}
