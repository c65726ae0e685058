package org.invitations.run;

import java.util.List;

/**
 * Names of the jobs. They are keys in the job repository: renaming one orphans every
 * earlier run.
 */
public final class JobNames {

	/**
	 * Selects people and delivers their invitations. Resend runs started before
	 * {@link #RESEND} existed are stored under this job too.
	 */
	public static final String INVITATION = "invitationJob";

	/** Resends earlier invitations of a spec, through the same delivery. */
	public static final String RESEND = "resendJob";

	/**
	 * Expires open invitations past their expiry, sends reminders, purges old token
	 * hashes.
	 */
	public static final String EXPIRY = "expiryJob";

	/**
	 * The jobs whose runs are the runs of an invitation spec: one line of runs per spec,
	 * numbered together, of which only the newest can be continued.
	 */
	public static final List<String> INVITATION_RUNS = List.of(INVITATION, RESEND);

	private JobNames() {
	}

}
