package org.invitations.mail;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.mail.internet.MimeUtility;

/**
 * The bytes of a prepared message's lines: headers (folded only when they must be), MIME
 * parts and their quoted-printable bodies, written straight into the message's buffer
 * with no MIME object in between.
 */
final class MimeBytes {

	private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

	private static final Map<String, String> FOLDED = new ConcurrentHashMap<>();

	/** The longest line RFC 5322 allows, without its CRLF. */
	private static final int MAX_LINE = 998;

	private MimeBytes() {
	}

	static void header(MessageBuffer out, String name, String value) {
		String line = name + ": " + value;
		if (fitsUnfolded(line)) {
			out.ascii(line);
		}
		else if (isOneWord(value) && value.length() < MAX_LINE) {
			// What folding makes of it (the one place to break is after the colon),
			// without folding: such values differ in every message (the Message-ID), so
			// no cache would hold them, and folding reads the line through a new
			// BufferedReader each time.
			out.ascii(name);
			out.ascii(":\r\n ");
			out.ascii(value);
		}
		else {
			out.ascii(folded(line));
		}
		out.ascii("\r\n");
	}

	/**
	 * A long header folded; a run's messages mostly share their long headers (the
	 * subject), so the last few are kept rather than folded again for every message.
	 */
	private static String folded(String line) {
		String done = FOLDED.get(line);
		if (done == null) {
			done = MimeUtility.fold(0, line);
			if (FOLDED.size() >= 64) {
				FOLDED.clear();
			}
			FOLDED.put(line, done);
		}
		return done;
	}

	/**
	 * A line that folding would return unchanged: short, no line break, no trailing
	 * blank.
	 */
	private static boolean fitsUnfolded(String line) {
		if (line.length() > 76 || line.isEmpty()) {
			return false;
		}
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (c == '\r' || c == '\n') {
				return false;
			}
		}
		char last = line.charAt(line.length() - 1);
		return last != ' ' && last != '\t';
	}

	/** A value with nowhere to fold it: no blank, no line break. */
	private static boolean isOneWord(String value) {
		if (value.isEmpty()) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
				return false;
			}
		}
		return true;
	}

	static void part(MessageBuffer out, String boundary, String type, String body) {
		out.ascii("--" + boundary + "\r\nContent-Type: " + type
				+ "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
		quotedPrintable(out, body);
		out.ascii("\r\n");
	}

	/**
	 * RFC 2045 6.7 over the text's UTF-8 bytes; line breaks in the text become CRLF, a
	 * leading dot is encoded too. Encoded from the characters, with no byte array of the
	 * text in between.
	 */
	static void quotedPrintable(MessageBuffer out, String body) {
		int length = body.length();
		// Worst case: 3 UTF-8 bytes per character, each encoded (9 bytes), and a soft
		// break (3 bytes) for every 25 characters of output.
		out.reserve(length * 10 + 16);
		int column = 0;
		for (int i = 0; i < length; i++) {
			char c = body.charAt(i);
			if (c < 0x80) {
				if (c == '\r' && i + 1 < length && body.charAt(i + 1) == '\n') {
					continue;
				}
				if (c == '\n') {
					out.put('\r');
					out.put('\n');
					column = 0;
					continue;
				}
				boolean lineEnd = i + 1 == length || body.charAt(i + 1) == '\n' || body.charAt(i + 1) == '\r';
				column = put(out, c, lineEnd, column);
			}
			else if (c < 0x800) {
				column = put(out, 0xC0 | (c >> 6), false, column);
				column = put(out, 0x80 | (c & 0x3F), false, column);
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(body.charAt(i + 1))) {
				int code = Character.toCodePoint(c, body.charAt(++i));
				column = put(out, 0xF0 | (code >> 18), false, column);
				column = put(out, 0x80 | ((code >> 12) & 0x3F), false, column);
				column = put(out, 0x80 | ((code >> 6) & 0x3F), false, column);
				column = put(out, 0x80 | (code & 0x3F), false, column);
			}
			else if (Character.isSurrogate(c)) {
				// Unpaired: UTF-8 has no bytes for it; '?' as String.getBytes writes.
				boolean lineEnd = i + 1 == length || body.charAt(i + 1) == '\n' || body.charAt(i + 1) == '\r';
				column = put(out, '?', lineEnd, column);
			}
			else {
				column = put(out, 0xE0 | (c >> 12), false, column);
				column = put(out, 0x80 | ((c >> 6) & 0x3F), false, column);
				column = put(out, 0x80 | (c & 0x3F), false, column);
			}
		}
	}

	/**
	 * One byte of a quoted-printable body, literal where it may be, with a soft break
	 * before it if the line would pass 76 characters.
	 * @param lineEnd whether the byte is the last of its line (a blank there is encoded)
	 * @return the column after it
	 */
	private static int put(MessageBuffer out, int b, boolean lineEnd, int column) {
		boolean literal = (b >= 33 && b <= 126 && b != '=' && !(b == '.' && column == 0))
				|| ((b == ' ' || b == '\t') && !lineEnd);
		int width = literal ? 1 : 3;
		if (column + width > 75) {
			out.put('=');
			out.put('\r');
			out.put('\n');
			column = 0;
			if (b == '.') {
				literal = false;
				width = 3;
			}
		}
		if (literal) {
			out.put(b);
		}
		else {
			out.put('=');
			out.put(HEX[b >> 4]);
			out.put(HEX[b & 0xF]);
		}
		return column + width;
	}

}
