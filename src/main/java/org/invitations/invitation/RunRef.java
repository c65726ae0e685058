package org.invitations.invitation;

/**
 * The run on whose behalf an invitation changes: its job instance (the report rows are
 * that instance's), the execution doing it, the actor its history names, and the
 * claimant: whoever holds the claims of the messages on their way (the deliver step's
 * partition, one step execution per partition; the job execution where nothing is
 * claimed). A partition that dies leaves claims under its own claimant, so that they can
 * be taken back while the run's other partitions go on.
 */
public record RunRef(long jobInstanceId, long jobExecutionId, String actor, long claimant) {

	/** A run whose claims are its job execution's. */
	public RunRef(long jobInstanceId, long jobExecutionId, String actor) {
		this(jobInstanceId, jobExecutionId, actor, jobExecutionId);
	}

}
