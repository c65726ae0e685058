package org.invitations.run;

import org.invitations.spec.JobSpec;

/**
 * What the steps of one invitation job execution need to know about it.
 *
 * @param spec the validated spec
 * @param jobInstanceId the instance: one logical run, across restarts
 * @param jobExecutionId this attempt
 * @param dryRun read, validate and filter only; change nothing and send nothing
 * @param sourceKind {@code CSV}, {@code GROUP}, {@code SELECTION} (people chosen in the
 * console), or {@code RESEND} for a run that resends earlier invitations
 * @param sourceRef the provenance recorded on each invitation: file and checksum, or
 * group and selection
 */
public record RunContext(JobSpec spec, long jobInstanceId, long jobExecutionId, boolean dryRun, String sourceKind,
		String sourceRef) {

	/** The actor named in invitation history. */
	public String actor() {
		return "job:" + spec.name() + "#" + jobExecutionId;
	}

}
