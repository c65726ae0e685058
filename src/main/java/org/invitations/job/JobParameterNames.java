package org.invitations.job;

/**
 * Names of the invitation job's parameters. They are keys in the job repository: renaming one breaks the
 * restart of runs started before.
 */
public final class JobParameterNames {

	/** Identifying: the spec's name. */
	public static final String SPEC_NAME = "spec.name";

	/** Identifying: SHA-256 of the spec file. */
	public static final String SPEC_CHECKSUM = "spec.checksum";

	/** Identifying: SHA-256 of the import file, or the group and member selection. */
	public static final String SOURCE_CHECKSUM = "source.checksum";

	/** Identifying: {@code true} for a dry run. */
	public static final String DRY_RUN = "dry.run";

	/** Identifying: the run's number among runs of the same spec name. */
	public static final String RUN = "run";

	/** Not identifying: where the spec file is. */
	public static final String SPEC_PATH = "spec.path";

	/** Not identifying: how many items the source holds, for progress. */
	public static final String SOURCE_ITEMS = "source.items";

	private JobParameterNames() {
	}

}
