package org.invitations.bounce;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.invitations.invitation.BounceNotice;

/**
 * What one report (a DSN, a feedback report, a provider's event) says about one recipient
 * of one of our messages, before it is matched to an invitation.
 *
 * @param kind hard bounce, soft bounce or complaint
 * @param invitationHeader the original message's {@code X-Invitation-Id}, if returned
 * @param messageId the original message's Message-ID, if returned
 * @param recipients the addresses the report names for the recipient (final and original
 * recipient): one of them must be the invitation's
 * @param status the enhanced status code ({@code 5.1.1}), or the complaint's feedback
 * type
 * @param detail the server's words, or ours
 * @param key where it came from and its own id there, the same each time it is read
 * @param source where it came from, for the suppression list: {@code bounce: Amazon SES}
 */
public record BounceReport(BounceNotice.Kind kind, @Nullable String invitationHeader, @Nullable String messageId,
		List<String> recipients, @Nullable String status, String detail, String key, String source) {
}
