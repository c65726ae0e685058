package org.invitations.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One SMTP reply (RFC 5321, 4.2): its code and its lines as received, read from the
 * server's stream one byte at a time into a line of bounded length, so that a server that
 * never ends a line cannot fill the heap.
 */
record SmtpReply(int code, List<String> lines) {

	private static final int MAX_REPLY_LINE = 4096;

	/** 2xx, or 354 (go ahead with the content): the command was taken. */
	boolean isPositive() {
		return code / 100 == 2 || code == 354;
	}

	@Override
	public String toString() {
		// Most replies are one line: no stream, no list, no joining, for every message.
		if (lines.size() == 1) {
			return lines.get(0).strip();
		}
		return String.join(" ", lines.stream().map(String::strip).toList());
	}

	/** Reads one reply, all its lines. */
	static SmtpReply read(InputStream in) throws IOException {
		List<String> lines = new ArrayList<>(1);
		while (true) {
			String line = readLine(in);
			if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
					|| !Character.isDigit(line.charAt(2))) {
				throw new IOException("not an SMTP reply: " + line);
			}
			lines.add(line);
			if (line.length() == 3 || line.charAt(3) != '-') {
				return new SmtpReply(Integer.parseInt(line.substring(0, 3)), lines);
			}
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder(64);
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("connection closed by the server");
			}
			if (b == '\n') {
				int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1
						: line.length();
				return line.substring(0, end);
			}
			if (line.length() >= MAX_REPLY_LINE) {
				throw new IOException("reply line longer than " + MAX_REPLY_LINE + " characters");
			}
			line.append((char) b);
		}
	}

}
