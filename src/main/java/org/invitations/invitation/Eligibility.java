package org.invitations.invitation;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.invitations.spec.Kind;

/**
 * The one rule of who may be sent a link, asked by selection before queuing, by a resend
 * before queuing again and by delivery just before the message leaves: an address not on
 * the suppression list (whatever the spec says), an active email (if the spec asks for
 * it), never logged in for an invitation (if the spec asks for it), logged in before for
 * reset instructions. Each caller reads the suppression list for a whole chunk at once
 * (selection and resend in one statement of {@link Suppressions}, delivery's claim in the
 * query it makes anyway) and hands each person's entry here. The last part of the rule,
 * no other open invitation of the kind, is the schema's partial unique index over
 * {@link InvitationStatus#OPEN}, which every statement that opens one names.
 *
 * @param activeEmail the spec's {@code filters.active-email}
 * @param neverLoggedIn the spec's {@code filters.never-logged-in}
 */
public record Eligibility(boolean activeEmail, boolean neverLoggedIn) {

	/** Why a person may not be sent this kind of link, with the facts that say so. */
	public record Refusal(SkipReason reason, String detail) {
	}

	/**
	 * The kind to send someone: as the spec says, or for AUTO by whether the person ever
	 * logged in.
	 */
	public static Kind kindFor(Kind spec, @Nullable Instant lastLoginAt) {
		return spec != Kind.AUTO ? spec : (lastLoginAt != null ? Kind.PASSWORD_RESET : Kind.INVITATION);
	}

	/**
	 * @param suppressed the active suppression of the address the link would go to, or
	 * {@code null}
	 * @return why not, or {@code null} if this person may be sent this kind of link
	 */
	public @Nullable Refusal check(@Nullable Suppression suppressed, Kind kind, boolean emailIsActive,
			@Nullable Instant lastLoginAt) {
		// First: someone asked that this address be left alone, so no spec setting
		// overrides it.
		if (suppressed != null) {
			return new Refusal(SkipReason.SUPPRESSED, suppressed.describe());
		}
		if (activeEmail && !emailIsActive) {
			return new Refusal(SkipReason.EMAIL_INACTIVE, "email is marked inactive");
		}
		if (kind == Kind.INVITATION && lastLoginAt != null && neverLoggedIn) {
			return new Refusal(SkipReason.ALREADY_LOGGED_IN, "last login " + lastLoginAt);
		}
		if (kind == Kind.PASSWORD_RESET && lastLoginAt == null) {
			return new Refusal(SkipReason.NEVER_LOGGED_IN, "has no password yet; send an invitation");
		}
		return null;
	}

}
