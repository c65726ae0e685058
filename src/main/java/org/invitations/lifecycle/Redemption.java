package org.invitations.lifecycle;

import java.time.Instant;

import org.invitations.spec.Kind;

/**
 * What the host application learns about a token. A refused token says only {@code INVALID} or
 * {@code EXPIRED}: never whose it was, so links cannot be used to probe for addresses.
 *
 * @param status the answer
 * @param invitationId the invitation, when {@code VALID} or {@code ACCEPTED}
 * @param personId the person, when {@code VALID} or {@code ACCEPTED}
 * @param email the person's address, when {@code VALID} or {@code ACCEPTED}
 * @param firstName the person's first name, when {@code VALID} or {@code ACCEPTED}
 * @param kind invitation or password reset, when {@code VALID} or {@code ACCEPTED}
 * @param expiresAt until when the link works, when {@code VALID}
 */
public record Redemption(Status status, Long invitationId, Long personId, String email, String firstName, Kind kind,
		Instant expiresAt) {

	public enum Status {

		/** {@code inspect}: the link works; nothing was consumed. */
		VALID,

		/** {@code redeem}: the token was good and is now used up. */
		ACCEPTED,

		/** The link has expired; the person can ask for a new one. */
		EXPIRED,

		/** Unknown, already used, cancelled or replaced by a newer link. */
		INVALID

	}

	static Redemption refused(Status status) {
		return new Redemption(status, null, null, null, null, null, null);
	}

	public boolean isSuccess() {
		return status == Status.VALID || status == Status.ACCEPTED;
	}

}
