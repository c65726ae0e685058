package org.invitations.bench;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the lines of an SMTP session into one buffer, reused: no allocation per line or
 * per byte, so a sink costs little beside the client it measures. A line is valid until
 * the next call; one longer than the buffer comes in pieces, only the first of which
 * begins a line.
 */
final class SmtpLines {

	private final InputStream in;

	private final byte[] buffer;

	private int position;

	private int limit;

	private int start;

	private int length;

	private boolean lineStart;

	private boolean ended = true;

	SmtpLines(InputStream in, int bufferSize) {
		this.in = in;
		this.buffer = new byte[bufferSize];
	}

	/**
	 * Reads the next line, without its line end; false at the end of the stream (a last
	 * line without one is dropped: the client left in the middle of it).
	 */
	boolean next() throws IOException {
		lineStart = ended;
		int scanned = position;
		while (true) {
			for (int i = scanned; i < limit; i++) {
				if (buffer[i] == '\n') {
					start = position;
					length = (i > position && buffer[i - 1] == '\r') ? i - 1 - position : i - position;
					position = i + 1;
					ended = true;
					return true;
				}
			}
			scanned = limit;
			if (limit == buffer.length) {
				if (position == 0) {
					start = 0;
					length = limit;
					position = limit;
					ended = false;
					return true;
				}
				System.arraycopy(buffer, position, buffer, 0, limit - position);
				limit -= position;
				scanned -= position;
				position = 0;
			}
			int read = in.read(buffer, limit, buffer.length - limit);
			if (read < 0) {
				return false;
			}
			limit += read;
		}
	}

	/** Whether more input is already here: pipelined commands, whose replies can wait. */
	boolean buffered() throws IOException {
		return position < limit || in.available() > 0;
	}

	/** Whether the line is exactly ".", the end of a message's content. */
	boolean isEndOfContent() {
		return lineStart && length == 1 && buffer[start] == '.';
	}

	/**
	 * Whether the line is the command {@code verb} (four upper-case letters), in any
	 * case, alone or followed by a space and its arguments.
	 */
	boolean isCommand(String verb) {
		if (!lineStart || length < 4 || length > 4 && buffer[start + 4] != ' ') {
			return false;
		}
		for (int i = 0; i < 4; i++) {
			// ASCII letters only: clearing bit 5 makes a lower-case letter upper-case.
			if ((buffer[start + i] & ~0x20) != verb.charAt(i)) {
				return false;
			}
		}
		return true;
	}

}
