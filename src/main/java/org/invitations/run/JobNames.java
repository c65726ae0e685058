package org.invitations.run;

/**
 * Names of the jobs. They are keys in the job repository: renaming one orphans every
 * earlier run.
 */
public final class JobNames {

	/** Selects people and delivers their invitations; a resend run is the same job. */
	public static final String INVITATION = "invitationJob";

	/**
	 * Expires open invitations past their expiry, sends reminders, purges old token
	 * hashes.
	 */
	public static final String EXPIRY = "expiryJob";

	private JobNames() {
	}

}
