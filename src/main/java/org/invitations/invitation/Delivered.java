package org.invitations.invitation;

/**
 * What the mail server said of one claimed invitation's message.
 *
 * @param status {@link InvitationStatus#SENT}, {@link InvitationStatus#FAILED} or
 * {@link InvitationStatus#DEFERRED}
 * @param reply the server's reply
 * @param replyInDoubt accepted, but no reply came to a first attempt of this message
 */
public record Delivered(Claimed claim, InvitationStatus status, String reply, boolean replyInDoubt) {

	public Delivered {
		if (status != InvitationStatus.SENT && status != InvitationStatus.FAILED
				&& status != InvitationStatus.DEFERRED) {
			throw new IllegalArgumentException("not an outcome of a send: " + status);
		}
	}

}
