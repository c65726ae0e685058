package org.invitations.resend;

import java.time.Instant;

import org.invitations.spec.Kind;

/**
 * An invitation a resend run considers, with what the resend rules look at.
 *
 * @param email the person's current address, where a resend goes
 * @param emailNormalized the same, as the suppression list is asked for it
 * @param lastSentAt when it was last sent, or {@code null}
 */
public record ResendCandidate(long invitationId, long personId, String email, String emailNormalized, Kind kind,
		String status, int attempts, Instant lastSentAt, boolean emailActive, Instant lastLoginAt, boolean hasToken) {
}
