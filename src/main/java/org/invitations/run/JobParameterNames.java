package org.invitations.run;

/**
 * Names of the jobs' parameters. They are keys in the job repository: renaming one breaks
 * the restart of runs started before.
 */
public final class JobParameterNames {

	/** Identifying: the spec's name (both jobs). */
	public static final String SPEC_NAME = "spec.name";

	/** Identifying: SHA-256 of the spec file. */
	public static final String SPEC_CHECKSUM = "spec.checksum";

	/** Identifying: SHA-256 of the import file, or the group and member selection. */
	public static final String SOURCE_CHECKSUM = "source.checksum";

	/** Identifying: {@code true} for a dry run. */
	public static final String DRY_RUN = "dry.run";

	/** Identifying: the run's number among runs of the same spec name (both jobs). */
	public static final String RUN = "run";

	/** Not identifying: where the spec file is (both jobs). */
	public static final String SPEC_PATH = "spec.path";

	/** Not identifying: how many items the source holds, for progress. */
	public static final String SOURCE_ITEMS = "source.items";

	/**
	 * Not identifying: SHA-256 of the ids of a group's (or a selection's) people when the
	 * run started, so that a restart or a confirmed send sees a change of members.
	 */
	public static final String SOURCE_DIGEST = "source.digest";

	/** Expiry job, not identifying: invitations per statement. */
	public static final String BATCH_SIZE = "batch.size";

	/**
	 * Expiry job, not identifying: purge token hashes of invitations closed longer than
	 * this.
	 */
	public static final String PURGE_AFTER_SECONDS = "purge.after.seconds";

	/**
	 * Expiry job, not identifying: delete the per-person report rows of runs that ended
	 * longer than this ago.
	 */
	public static final String PURGE_REPORT_ROWS_AFTER_SECONDS = "purge.report-rows.after.seconds";

	/**
	 * Expiry job, not identifying: delete the history entries of invitations closed
	 * longer than this ago.
	 */
	public static final String PURGE_HISTORY_AFTER_SECONDS = "purge.history.after.seconds";

	/** Expiry job, not identifying: remind invitations that expire within this. */
	public static final String REMIND_BEFORE_SECONDS = "remind.before.seconds";

	/**
	 * Expiry job, not identifying: remind only invitations with at least this long left.
	 */
	public static final String REMIND_MIN_SECONDS = "remind.min-remaining.seconds";

	/** Expiry job, not identifying: the template set of the reminder. */
	public static final String REMIND_TEMPLATE = "remind.template";

	private JobParameterNames() {
	}

}
