package org.invitations.invitation;

import org.jspecify.annotations.Nullable;

import org.invitations.spec.Kind;

/**
 * One line of a job report: what happened to one input item and why.
 *
 * @param itemNumber the item's number within its job instance
 * @param line the CSV line, or {@code null} for a group member
 * @param email the address as read
 * @param emailNormalized the normalised address, or {@code null} when the row was
 * rejected
 * @param personId the person, once known
 * @param invitationId the invitation, once queued
 * @param kind what was or would be sent
 * @param outcome what happened
 * @param reason why, for skips, rejections and failures
 * @param detail a human-readable explanation
 */
public record ReportItem(long itemNumber, @Nullable Long line, @Nullable String email, @Nullable String emailNormalized,
		@Nullable Long personId, @Nullable Long invitationId, @Nullable Kind kind, ReportOutcome outcome,
		@Nullable Reason reason, @Nullable String detail) {
}
