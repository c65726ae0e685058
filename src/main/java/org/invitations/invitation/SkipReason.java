package org.invitations.selection;

/** Why a valid person was not sent anything. */
public enum SkipReason {

	/** The person's email is marked inactive. */
	EMAIL_INACTIVE,

	/** An invitation was asked for, but the person has logged in before. */
	ALREADY_LOGGED_IN,

	/** Reset instructions were asked for, but the person never logged in (they need an invitation). */
	NEVER_LOGGED_IN,

	/** The person already has an open, unexpired invitation of this kind. */
	ALREADY_INVITED,

	/** The person's address changed between queuing and sending: the invitation is for the old one. */
	ADDRESS_CHANGED

}
