package org.invitations.delivery;

import java.util.UUID;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/** A message whose Message-ID names the invitation and the sender's domain rather than this host. */
class InvitationMessage extends MimeMessage {

	private final long invitationId;

	private final String domain;

	InvitationMessage(Session session, long invitationId, String domain) {
		super(session);
		this.invitationId = invitationId;
		this.domain = domain;
	}

	@Override
	protected void updateMessageID() throws MessagingException {
		setHeader("Message-ID", "<invitation." + invitationId + "." + UUID.randomUUID() + "@" + domain + ">");
	}

}
