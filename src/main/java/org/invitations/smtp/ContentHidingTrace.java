package org.invitations.smtp;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Angus Mail's protocol trace ({@code spring.mail.properties.mail.debug=true}) with each
 * message's content left out: the content holds a person's working link, which must never
 * reach a log, and a trace is for the conversation with the server (greeting, extensions,
 * TLS, replies), not the mail. Every line of it is written as it was, except those
 * between the server's go-ahead for {@code DATA} (its 354 reply) and the lone dot that
 * ends the content, which become one line saying how many were left out. Written to
 * standard error, as every log line is: standard output carries a command's result.
 */
final class ContentHidingTrace extends OutputStream {

	private final OutputStream out;

	private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

	private boolean dataAsked;

	private boolean inContent;

	private long hidden;

	private ContentHidingTrace(OutputStream out) {
		this.out = out;
	}

	/** A stream for {@code Session.setDebugOut}, writing to {@code out}. */
	static PrintStream onto(OutputStream out) {
		return new PrintStream(new ContentHidingTrace(out), true, StandardCharsets.ISO_8859_1);
	}

	@Override
	public synchronized void write(int b) {
		line.write(b);
		if (b == '\n') {
			endOfLine();
		}
	}

	@Override
	public synchronized void write(byte[] bytes, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			write(bytes[i]);
		}
	}

	@Override
	public synchronized void flush() {
		// A partial line waits for its end, so that content is never written in part
		// before it is known to be content.
		try {
			out.flush();
		}
		catch (java.io.IOException ex) {
			// A trace that cannot be written is not a reason to fail a send.
		}
	}

	private void endOfLine() {
		String text = line.toString(StandardCharsets.ISO_8859_1).strip();
		byte[] bytes = line.toByteArray();
		line.reset();
		if (inContent) {
			if (text.equals(".")) {
				inContent = false;
				emit(("[message content not shown: " + hidden + " lines]\n").getBytes(StandardCharsets.ISO_8859_1));
				emit(bytes);
			}
			else {
				hidden++;
			}
			return;
		}
		emit(bytes);
		if (text.equalsIgnoreCase("DATA")) {
			dataAsked = true;
		}
		else if (dataAsked && text.startsWith("354")) {
			dataAsked = false;
			inContent = true;
			hidden = 0;
		}
		else if (dataAsked && !text.isEmpty() && Character.isDigit(text.charAt(0))) {
			// Any other reply to DATA: no content follows.
			dataAsked = false;
		}
	}

	private void emit(byte[] bytes) {
		try {
			out.write(bytes);
		}
		catch (java.io.IOException ex) {
			// As in flush().
		}
	}

}
