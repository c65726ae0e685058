package org.invitations.smtp;

import java.io.IOException;

import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport, telling whether a failed message's content had reached the
 * server: its final dot written and only the reply missing. Angus Mail forgets it when a
 * read times out there (its last reply code is then -1, not DATA's 354), and without it a
 * message the server may have taken would be sent again as if nothing had left.
 */
final class ContentTrackingTransport extends SMTPTransport {

	private boolean finishing;

	private volatile boolean contentSent;

	ContentTrackingTransport(Session session, String protocol) {
		super(session, new URLName(protocol, null, -1, null, null, null), protocol, protocol.equals("smtps"));
	}

	@Override
	public synchronized void sendMessage(Message message, Address[] addresses) throws MessagingException {
		finishing = false;
		contentSent = false;
		super.sendMessage(message, addresses);
	}

	@Override
	protected void finishData() throws IOException, MessagingException {
		finishing = true;
		super.finishData();
	}

	/** Read only once a command is written: in finishData, the final dot. */
	@Override
	protected int readServerResponse() throws MessagingException {
		contentSent |= finishing;
		return super.readServerResponse();
	}

	/** Whether the last message's final dot reached the server, whatever came back. */
	boolean contentSent() {
		return contentSent;
	}

}
