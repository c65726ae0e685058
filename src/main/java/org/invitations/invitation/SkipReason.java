package org.invitations.invitation;

/**
 * Why a valid person, or an invitation, was not sent anything: by selection, delivery, a
 * resend or an abandon.
 */
public enum SkipReason implements Reason {

	/**
	 * The address is on the suppression list: someone asked that it not be invited again
	 * (the detail says who, when and why).
	 */
	SUPPRESSED,

	/** The person's email is marked inactive. */
	EMAIL_INACTIVE,

	/** An invitation was asked for, but the person has logged in before. */
	ALREADY_LOGGED_IN,

	/**
	 * Reset instructions were asked for, but the person never logged in (they need an
	 * invitation).
	 */
	NEVER_LOGGED_IN,

	/** The person already has an open, unexpired invitation of this kind. */
	ALREADY_INVITED,

	/**
	 * The person's address changed between queuing and sending: the invitation is for the
	 * old one.
	 */
	ADDRESS_CHANGED,

	/** A resend of an invitation whose link was used. */
	ALREADY_ACCEPTED,

	/** A resend of a cancelled invitation. */
	CANCELLED,

	/** A resend of an invitation a run is sending. */
	ALREADY_QUEUED,

	/** A resend of an invitation that was never sent. */
	NOT_SENT,

	/** A resend of an invitation sent as often as the spec allows. */
	RESEND_LIMIT,

	/** A resend sooner after the last send than the spec allows. */
	RESEND_TOO_SOON,

	/** Not sent: its run was abandoned first. */
	RUN_ABANDONED,

	/**
	 * No reminder: the spec of the run that sent the invitation cannot be read any more.
	 */
	SPEC_UNAVAILABLE,

	/** No reminder: the spec has no usable reminder template. */
	NO_REMINDER_TEMPLATE

}
