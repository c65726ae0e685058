package org.invitations.invitation;

/**
 * The run on whose behalf an invitation changes: its job instance (the report rows are
 * that instance's), the execution doing it, and the actor its history names.
 */
public record RunRef(long jobInstanceId, long jobExecutionId, String actor) {
}
