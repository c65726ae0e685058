package org.invitations.invitation;

import java.time.Duration;
import java.time.Instant;

/**
 * An invitation claimed for sending, with its new token: the plaintext lives only here
 * and in the message.
 *
 * @param tokenHash the token's SHA-256, computed once: stored when the message is claimed
 * and again when it is recorded
 * @param expiresAt when the link expires if the message is accepted (stored when it is
 * recorded as sent)
 * @param inDoubt an earlier attempt was cut off after its message may have left
 * @param batch the {@code delivery_claim} row that claims it, or 0 for an invitation in
 * doubt, which its own row claims
 */
public record Claimed(long invitationId, String token, byte[] tokenHash, Instant expiresAt, boolean inDoubt,
		long batch) {

	public Claimed(long invitationId, String token, Instant expiresAt, boolean inDoubt, long batch) {
		this(invitationId, token, Tokens.hash(token), expiresAt, inDoubt, batch);
	}

	/** An invitation to claim, as the deliver step read it. */
	public record Request(long invitationId, Duration tokenTtl) {
	}

	@Override
	public String toString() {
		return "Claimed[invitation=" + invitationId + ", inDoubt=" + inDoubt + "]";
	}

}
