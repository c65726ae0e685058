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

	/**
	 * The ASCII characters quoted-printable writes as they are wherever they stand: the
	 * printable ones but '=' (the escape) and '.' (encoded at a line's start).
	 */
	private static final boolean[] LITERAL = new boolean[128];

	static {
		for (int c = 33; c <= 126; c++) {
			LITERAL[c] = c != '=' && c != '.';
		}
	}

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

	static void part(MessageBuffer out, String boundary, String type, QpBody body) {
		out.ascii("--" + boundary + "\r\nContent-Type: " + type
				+ "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
		body.encode(out);
		out.ascii("\r\n");
	}

	/**
	 * RFC 2045 6.7 over the text's UTF-8 bytes; line breaks in the text become CRLF, a
	 * leading dot is encoded too. Encoded from the characters, with no byte array of the
	 * text in between. Each call starts a line: a compiled template calls it for the text
	 * around its gaps, from a line's start to a line's end.
	 */
	static void quotedPrintable(MessageBuffer out, CharSequence body) {
		int length = body.length();
		// Worst case: 3 UTF-8 bytes per character, each encoded (9 bytes), and a soft
		// break (3 bytes) for every 25 characters of output.
		out.reserve(length * 10 + 16);
		// The bytes are written into the buffer's array through locals and handed back
		// once: through the buffer's fields, every byte was a load and a store of its
		// size, and this loop is a tenth of the CPU a message costs.
		byte[] bytes = out.array();
		int size = out.size();
		int column = 0;
		for (int i = 0; i < length; i++) {
			char c = body.charAt(i);
			// Most characters are printable ASCII that stays as it is, on a line with
			// room
			// for it: one store.
			if (c < 0x80 && LITERAL[c] && column < 75) {
				bytes[size++] = (byte) c;
				column++;
				continue;
			}
			if (c == ' ' && column < 75 && i + 1 < length && body.charAt(i + 1) != '\n' && body.charAt(i + 1) != '\r') {
				bytes[size++] = ' ';
				column++;
				continue;
			}
			long at = QpState.of(size, column);
			if (c < 0x80) {
				if (c == '\r' && i + 1 < length && body.charAt(i + 1) == '\n') {
					continue;
				}
				if (c == '\n') {
					bytes[size++] = '\r';
					bytes[size++] = '\n';
					column = 0;
					continue;
				}
				boolean lineEnd = i + 1 == length || body.charAt(i + 1) == '\n' || body.charAt(i + 1) == '\r';
				at = put(bytes, at, c, lineEnd);
			}
			else if (c < 0x800) {
				at = put(bytes, at, 0xC0 | (c >> 6), false);
				at = put(bytes, at, 0x80 | (c & 0x3F), false);
			}
			else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(body.charAt(i + 1))) {
				int code = Character.toCodePoint(c, body.charAt(++i));
				at = put(bytes, at, 0xF0 | (code >> 18), false);
				at = put(bytes, at, 0x80 | ((code >> 12) & 0x3F), false);
				at = put(bytes, at, 0x80 | ((code >> 6) & 0x3F), false);
				at = put(bytes, at, 0x80 | (code & 0x3F), false);
			}
			else if (Character.isSurrogate(c)) {
				// Unpaired: UTF-8 has no bytes for it; '?' as String.getBytes writes.
				boolean lineEnd = i + 1 == length || body.charAt(i + 1) == '\n' || body.charAt(i + 1) == '\r';
				at = put(bytes, at, '?', lineEnd);
			}
			else {
				at = put(bytes, at, 0xE0 | (c >> 12), false);
				at = put(bytes, at, 0x80 | ((c >> 6) & 0x3F), false);
				at = put(bytes, at, 0x80 | (c & 0x3F), false);
			}
			size = QpState.size(at);
			column = QpState.column(at);
		}
		out.size(size);
	}

	/**
	 * One byte of quoted-printable output, literal or {@code =XX}, after a soft line
	 * break if the line would pass 76 characters with it; a dot that would start a line
	 * is encoded (some servers treat a line's leading dot specially).
	 * @param at where the output is (see {@link QpState})
	 * @param lineEnd whether the byte is the last of its line (a space or tab there is
	 * encoded: trailing blanks may be stripped in transit)
	 * @return where the output is after it
	 */
	private static long put(byte[] bytes, long at, int b, boolean lineEnd) {
		int size = QpState.size(at);
		int column = QpState.column(at);
		boolean literal = (b >= 33 && b <= 126 && b != '=' && !(b == '.' && column == 0))
				|| ((b == ' ' || b == '\t') && !lineEnd);
		int width = literal ? 1 : 3;
		if (column + width > 75) {
			bytes[size++] = '=';
			bytes[size++] = '\r';
			bytes[size++] = '\n';
			column = 0;
			if (b == '.') {
				literal = false;
				width = 3;
			}
		}
		if (literal) {
			bytes[size++] = (byte) b;
		}
		else {
			bytes[size++] = '=';
			bytes[size++] = HEX[b >> 4];
			bytes[size++] = HEX[b & 0xF];
		}
		return QpState.of(size, column + width);
	}

	/**
	 * The encoder's position, the size of the output and the column on its line, as one
	 * {@code long} so that {@link #put} can return both and stay a static method the
	 * compiler inlines into the loop.
	 */
	private static final class QpState {

		private QpState() {
		}

		static long of(int size, int column) {
			return ((long) size << 32) | column;
		}

		static int size(long at) {
			return (int) (at >>> 32);
		}

		static int column(long at) {
			return (int) at;
		}

	}

}
