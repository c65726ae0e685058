package org.invitations.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One SMTP session of a {@link DelayedSink}: ESMTP with PIPELINING, the content of each
 * message read and discarded, its final dot answered after the sink's delay. Replies to
 * pipelined commands wait until the client has sent all it had, and go in one write.
 */
final class DelayedSinkSession {

	private static final byte[] GREETING = ascii("220 delayed-sink ESMTP\r\n");

	private static final byte[] EHLO = ascii("250-delayed-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
			+ "250 SIZE " + DelayedSink.MAX_MESSAGE_SIZE + "\r\n");

	private static final byte[] HELO = ascii("250 delayed-sink\r\n");

	private static final byte[] OK = ascii("250 2.0.0 OK\r\n");

	private static final byte[] SENDER_OK = ascii("250 2.1.0 OK\r\n");

	private static final byte[] RECIPIENT_OK = ascii("250 2.1.5 OK\r\n");

	private static final byte[] GO_AHEAD = ascii("354 end data with <CR><LF>.<CR><LF>\r\n");

	private static final byte[] ACCEPTED = ascii("250 2.0.0 accepted\r\n");

	private static final byte[] NESTED_MAIL = ascii("503 5.5.1 MAIL already given\r\n");

	private static final byte[] NO_SENDER = ascii("503 5.5.1 MAIL first\r\n");

	private static final byte[] NO_RECIPIENT = ascii("503 5.5.1 RCPT first\r\n");

	private static final byte[] UNKNOWN = ascii("500 5.5.2 command not recognized\r\n");

	private static final byte[] BYE = ascii("221 2.0.0 bye\r\n");

	private final DelayedSink sink;

	private final Socket socket;

	private boolean sender;

	private int recipients;

	DelayedSinkSession(DelayedSink sink, Socket socket) {
		this.sink = sink;
		this.socket = socket;
	}

	/** Talks until the client says QUIT or goes away, or the sink closes. */
	void talk() throws IOException {
		socket.setTcpNoDelay(true);
		SmtpLines in = new SmtpLines(socket.getInputStream(), 64 * 1024);
		OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
		out.write(GREETING);
		out.flush();
		while (in.next()) {
			if (in.isCommand("QUIT")) {
				out.write(BYE);
				out.flush();
				return;
			}
			if (in.isCommand("DATA") && sender && recipients > 0) {
				// The client waits for 354 before it sends the content: everything
				// pending goes now.
				out.write(GO_AHEAD);
				out.flush();
				if (!discardContent(in) || !delay(System.nanoTime() + sink.delayNanos())) {
					return;
				}
				sink.messageAccepted();
				reset();
				out.write(ACCEPTED);
			}
			else {
				out.write(reply(in));
			}
			if (!in.buffered()) {
				out.flush();
			}
		}
	}

	private byte[] reply(SmtpLines in) {
		if (in.isCommand("EHLO") || in.isCommand("HELO")) {
			reset();
			return in.isCommand("EHLO") ? EHLO : HELO;
		}
		if (in.isCommand("MAIL")) {
			if (sender) {
				return NESTED_MAIL;
			}
			sender = true;
			return SENDER_OK;
		}
		if (in.isCommand("RCPT")) {
			if (!sender) {
				return NO_SENDER;
			}
			recipients++;
			return RECIPIENT_OK;
		}
		if (in.isCommand("DATA")) {
			return sender ? NO_RECIPIENT : NO_SENDER;
		}
		if (in.isCommand("RSET")) {
			reset();
			return OK;
		}
		return in.isCommand("NOOP") ? OK : UNKNOWN;
	}

	private void reset() {
		sender = false;
		recipients = 0;
	}

	/** Reads up to the line ".", keeping nothing; false if the client left before it. */
	private static boolean discardContent(SmtpLines in) throws IOException {
		while (in.next()) {
			if (in.isEndOfContent()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Holds the reply until {@code deadline} (nanoTime): the provider's time per message,
	 * modelled, so sleeping is the point here. False if interrupted.
	 */
	private static boolean delay(long deadline) {
		try {
			for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
				TimeUnit.NANOSECONDS.sleep(left);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
