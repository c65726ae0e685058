package org.invitations.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.mail.internet.InternetAddress;
import org.jspecify.annotations.Nullable;
import org.invitations.mail.PreparedMessage;

/**
 * An SMTP connection (RFC 5321), plain or over TLS, with or without a login (see
 * {@link SmtpChannel}): it writes the ready-made bytes of a {@link PreparedMessage} and,
 * where the server offers PIPELINING (RFC 2920), sends MAIL, RCPT and DATA in one write
 * and reads their replies together. When the caller says which message comes next, that
 * message's MAIL, RCPT and DATA follow this one's content in the same write (content may
 * begin a group, RFC 2920 section 3.1), so a message costs one round trip instead of
 * four. Angus Mail, which does neither, sends only where asked to or where a setting only
 * it understands is set ({@link SmtpSettings#angusOnly}).
 * <p>
 * Replies are read the SMTP way, by {@link ReplyClassifier}: 2xx accepted; a refusal of
 * the recipient is final (5xx) or temporary (4xx) for this message; a refusal of the
 * sender or the session (MAIL FROM refused, 421, a quota, a rate, a policy) throws
 * {@link SenderRefusedException}. No reply to a message's content is
 * {@link NoReplyException} (in doubt); a timeout or a broken connection elsewhere means
 * the server is unavailable. The socket, its timeouts and the greeting are
 * {@link SmtpChannel}'s.
 */
final class DirectSmtpConnection implements MailGateway.Connection {

	private final SmtpSettings settings;

	private final String server;

	private final SocketWatchdog watchdog;

	private SmtpChannel channel;

	/**
	 * The envelope already sent for the message expected next, with the server's replies;
	 * after a 354 the server takes whatever comes next as that message's content.
	 */
	private @Nullable Opened opened;

	private DirectSmtpConnection(SmtpSettings settings, SocketWatchdog watchdog) throws IOException {
		this.settings = settings;
		this.server = "SMTP server " + settings.server();
		this.watchdog = watchdog;
		this.channel = SmtpChannel.open(settings, watchdog);
	}

	/**
	 * Connects, reads the greeting and introduces itself; fails as the server being
	 * unavailable.
	 */
	static DirectSmtpConnection open(SmtpSettings settings, SocketWatchdog watchdog) {
		try {
			return new DirectSmtpConnection(settings, watchdog);
		}
		catch (IOException ex) {
			throw new MailServerUnavailableException(
					"cannot connect to SMTP server " + settings.server() + ": " + SmtpChannel.describeFailure(ex), ex);
		}
	}

	boolean pipelining() {
		return channel.pipelining();
	}

	@Override
	public SendResult send(PreparedMessage message) {
		return send(message, null);
	}

	/**
	 * Sends {@code message}; with PIPELINING, {@code next}'s envelope follows its content
	 * in the same write and its replies are kept for the call that sends {@code next}.
	 * The server holds that transaction open until then: if the next call is for another
	 * message (this one tried again after a 4xx, say), a new connection replaces this
	 * one, and the server drops the open transaction with the old one, unsent.
	 */
	@Override
	public SendResult send(PreparedMessage message, @Nullable PreparedMessage next) {
		try {
			List<SmtpReply> envelope;
			Opened ahead = opened;
			opened = null;
			if (ahead != null && ahead.message() == message) {
				envelope = ahead.envelope();
			}
			else {
				if (ahead != null) {
					// Drops the transaction held open for another message, unsent.
					channel.drop();
					channel = SmtpChannel.open(settings, watchdog);
				}
				envelope = envelope(Envelope.commands(settings.envelopeFrom(), message));
			}
			SmtpReply refusal = envelope.stream().filter(reply -> !reply.isPositive()).findFirst().orElse(null);
			if (refusal == null) {
				return content(message, next);
			}
			return refused(envelope, refusal);
		}
		catch (IOException ex) {
			// No QUIT: the connection is broken or the server is leaving.
			drop();
			throw new MailServerUnavailableException(server + " unavailable: " + channel.describe(ex), ex);
		}
	}

	/**
	 * Writes the content and, ahead, the next message's envelope; reads the reply to the
	 * content, then theirs.
	 */
	private SendResult content(PreparedMessage message, @Nullable PreparedMessage next) throws IOException {
		channel.writeContent(message.bytes(), message.dotLines());
		String[] ahead = channel.pipelining() && next != null ? Envelope.commandsAhead(settings.envelopeFrom(), next)
				: null;
		if (ahead != null) {
			for (String command : ahead) {
				channel.write(command);
			}
		}
		channel.flush();
		SendResult result = outcome(replyToContent(), ReplyClassifier.Stage.DATA);
		if (ahead != null && next != null) {
			readAhead(next);
		}
		return result;
	}

	/**
	 * A refused envelope: a refused recipient is this message's outcome, a refused sender
	 * pauses the run.
	 */
	private SendResult refused(List<SmtpReply> envelope, SmtpReply refusal) throws IOException {
		int at = envelope.indexOf(refusal);
		ReplyClassifier.Stage stage = at == 0 ? ReplyClassifier.Stage.MAIL
				: at == 1 ? ReplyClassifier.Stage.RCPT : ReplyClassifier.Stage.DATA;
		if (ReplyClassifier.classify(stage, refusal.code(),
				refusal.toString()) == ReplyClassifier.Verdict.SENDER_REFUSED) {
			drop();
			throw new SenderRefusedException(refusal.toString());
		}
		if (envelope.size() == 3 && envelope.get(2).code() == 354) {
			// A server may open DATA although it refused the envelope (RFC 2920, 3.1):
			// end it, empty.
			channel.write(".");
			channel.flush();
			channel.read();
		}
		SendResult result = outcome(refusal, stage);
		channel.command("RSET");
		return result;
	}

	/**
	 * Sends a message's envelope and reads the replies: all at once with PIPELINING, else
	 * up to the first refusal.
	 */
	private List<SmtpReply> envelope(String[] commands) throws IOException {
		List<SmtpReply> envelope = new ArrayList<>(3);
		if (channel.pipelining()) {
			for (String command : commands) {
				channel.write(command);
			}
			channel.flush();
			readEnvelope(envelope);
		}
		else {
			for (String command : commands) {
				SmtpReply reply = channel.command(command);
				envelope.add(reply);
				if (!reply.isPositive()) {
					break;
				}
			}
		}
		return envelope;
	}

	private void readEnvelope(List<SmtpReply> envelope) throws IOException {
		for (int i = 0; i < 3; i++) {
			SmtpReply reply = channel.read();
			envelope.add(reply);
			if (reply.code() == 421) {
				break;
			}
		}
	}

	/**
	 * Reads the replies to the envelope sent ahead for {@code next}. The message before
	 * it is accepted or refused already and must be reported so: if the connection breaks
	 * here, only {@code next} is affected, and the call that sends it finds the
	 * connection closed.
	 */
	private void readAhead(PreparedMessage next) {
		List<SmtpReply> envelope = new ArrayList<>(3);
		try {
			readEnvelope(envelope);
			opened = new Opened(next, envelope);
		}
		catch (IOException ex) {
			drop();
		}
	}

	/**
	 * Closes the socket without a word to the server; a transaction it holds open is
	 * dropped, unsent.
	 */
	private void drop() {
		opened = null;
		channel.drop();
	}

	/**
	 * Reads the reply to a message's content. The content, its final dot included, has
	 * left: if no reply comes now, the server may have accepted the message, so this is
	 * not a plain failure but a message in doubt.
	 */
	private SmtpReply replyToContent() {
		try {
			return channel.read();
		}
		catch (IOException ex) {
			drop();
			throw new NoReplyException(
					server + " sent no reply after the message's content (" + channel.describe(ex) + ")", ex);
		}
	}

	/**
	 * Reads a final reply: accepted, refused for good, or to be tried later, for this
	 * recipient; a refusal of the sender or the session (see {@link ReplyClassifier})
	 * drops the connection and pauses the run.
	 */
	private SendResult outcome(SmtpReply reply, ReplyClassifier.Stage stage) throws IOException {
		switch (ReplyClassifier.classify(stage, reply.code(), reply.toString())) {
			case ACCEPTED:
				if (reply.code() / 100 != 2) {
					throw new IOException("unexpected reply: " + reply);
				}
				return SendResult.sent(reply.toString());
			case RECIPIENT_PERMANENT:
				return new SendResult(SendResult.Status.FAILED, reply.toString());
			case RECIPIENT_TEMPORARY:
				if (reply.code() / 100 != 4) {
					throw new IOException("not an SMTP reply code: " + reply);
				}
				return new SendResult(SendResult.Status.DEFERRED, reply.toString());
			default:
				drop();
				throw new SenderRefusedException(reply.toString());
		}
	}

	@Override
	public void close() {
		// With DATA open, QUIT would be taken as message content: the socket is closed,
		// and the transaction dropped.
		if (opened == null) {
			channel.quit();
		}
		drop();
	}

	/** An envelope sent ahead for a message, and the server's replies to it. */
	private record Opened(PreparedMessage message, List<SmtpReply> envelope) {
	}

}
