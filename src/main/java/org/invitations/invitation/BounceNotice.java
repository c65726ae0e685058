package org.invitations.invitation;

import org.jspecify.annotations.Nullable;

/**
 * A bounce or complaint about one invitation's message, matched to it, to be applied
 * once.
 *
 * @param invitationId the invitation whose message it is about
 * @param kind hard bounce, soft bounce or complaint
 * @param key where it came from and its own id there ({@code dsn:<Message-ID>:<address>},
 * {@code ses:<feedbackId>:<address>}): the same report read twice has the same key
 * @param status the enhanced status code ({@code 5.1.1}) or the complaint's feedback
 * type, if given
 * @param detail what the history, the report and the suppression list say: the server's
 * words, or ours when it gave none
 * @param source where it came from:
 * {@code bounce: DSN from mailer-daemon@mx.example.org}, {@code bounce: Amazon SES}
 * @param actor who applies it: {@code bounces}
 */
public record BounceNotice(long invitationId, Kind kind, String key, @Nullable String status, String detail,
		String source, String actor) {

	/** What the report says of the message. */
	public enum Kind {

		/** Undeliverable for good (a 5.x.x status): the address is suppressed. */
		HARD,

		/** Undeliverable for now (a 4.x.x status, or delayed): counted only. */
		SOFT,

		/** The person reported the message as spam: the address is suppressed. */
		COMPLAINT

	}

	/**
	 * What applying it did.
	 *
	 * @param duplicate the same report was applied before: nothing changed now
	 * @param bounced the invitation became BOUNCED now
	 * @param suppressed its address was added to the suppression list now
	 */
	public record Applied(boolean duplicate, boolean bounced, boolean suppressed) {

		static final Applied DUPLICATE = new Applied(true, false, false);

	}

}
