package org.invitations.invitation;

/**
 * Why a link stopped working, kept with its hash so that a refused redeem can be
 * explained: the values of the {@code retired_token.reason} check constraint.
 */
public enum RetiredBecause {

	/** A resend or reminder replaced it. */
	SUPERSEDED,

	/** Its invitation was cancelled. */
	CANCELLED,

	/** Its message was refused. */
	FAILED;

	/** The value stored in the database. */
	public String dbValue() {
		return name();
	}

}
