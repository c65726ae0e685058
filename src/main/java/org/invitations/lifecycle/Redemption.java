package org.invitations.lifecycle;

import java.time.Instant;

import org.invitations.spec.Kind;

/**
 * What the host application learns about a token. A refused token says only
 * {@code INVALID} or {@code EXPIRED}: never whose it was, so links cannot be used to
 * probe for addresses.
 *
 * @param status the answer
 * @param invitationId the invitation, when {@code VALID} or {@code ACCEPTED}
 * @param personId the person, when {@code VALID} or {@code ACCEPTED}
 * @param email the person's address, when {@code VALID} or {@code ACCEPTED}
 * @param firstName the person's first name, when {@code VALID} or {@code ACCEPTED}
 * @param kind invitation or password reset, when {@code VALID} or {@code ACCEPTED}
 * @param expiresAt until when the link works, when {@code VALID}
 * @param link which of the invitation's links this was, when {@code VALID} or
 * {@code ACCEPTED}
 */
public record Redemption(Status status, Long invitationId, Long personId, String email, String firstName, Kind kind,
		Instant expiresAt, Link link) {

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

	/**
	 * An invitation sent again because an interrupted attempt may have delivered it has
	 * several links, each valid until one of them is used.
	 */
	public enum Link {

		/** The invitation was sent once: its only link. */
		ONLY("link"),

		/**
		 * The link of an interrupted attempt whose message may have arrived (the first
		 * email, as a rule).
		 */
		EARLIER("first link"),

		/** The link of the message sent again after an interrupted attempt. */
		RESENT("re-sent link");

		private final String description;

		Link(String description) {
			this.description = description;
		}

		/** How the history names it. */
		public String description() {
			return description;
		}

	}

	static Redemption refused(Status status) {
		return new Redemption(status, null, null, null, null, null, null, null);
	}

	public boolean isSuccess() {
		return status == Status.VALID || status == Status.ACCEPTED;
	}

}
