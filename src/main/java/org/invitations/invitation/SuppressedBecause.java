package org.invitations.invitation;

/**
 * Why an address is on the suppression list: the values of the {@code suppression.reason}
 * check constraint.
 */
public enum SuppressedBecause {

	/** An admin asked that the address not be invited again. */
	ADMIN,

	/** The address's mail server reported it undeliverable for good (a hard bounce). */
	HARD_BOUNCE,

	/** The person reported a message as spam (a complaint). */
	COMPLAINT;

	/** The value stored in the database. */
	public String dbValue() {
		return name();
	}

	/** In the console's words. */
	public String label() {
		return switch (this) {
			case ADMIN -> "Admin's request";
			case HARD_BOUNCE -> "Hard bounce";
			case COMPLAINT -> "Complaint";
		};
	}

}
