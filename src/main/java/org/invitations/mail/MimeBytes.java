package org.invitations.mail;

import java.io.ByteArrayOutputStream;
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

	private MimeBytes() {
	}

	static void header(ByteArrayOutputStream out, String name, String value) {
		String line = name + ": " + value;
		ascii(out, (fitsUnfolded(line) ? line : folded(line)) + "\r\n");
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

	static void part(ByteArrayOutputStream out, String boundary, String type, String body) {
		ascii(out, "--" + boundary + "\r\nContent-Type: " + type
				+ "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
		quotedPrintable(out, body.getBytes(StandardCharsets.UTF_8));
		ascii(out, "\r\n");
	}

	/**
	 * RFC 2045 6.7; line breaks in the text become CRLF, a leading dot is encoded too.
	 */
	static void quotedPrintable(ByteArrayOutputStream sink, byte[] body) {
		// Worst case: every byte encoded (3x) plus a soft break every 25 bytes.
		byte[] out = new byte[body.length * 3 + body.length / 8 + 16];
		int o = 0;
		int column = 0;
		for (int i = 0; i < body.length; i++) {
			int b = body[i] & 0xFF;
			if (b == '\r' && i + 1 < body.length && body[i + 1] == '\n') {
				continue;
			}
			if (b == '\n') {
				out[o++] = '\r';
				out[o++] = '\n';
				column = 0;
				continue;
			}
			boolean lineEnd = i + 1 == body.length || body[i + 1] == '\n' || body[i + 1] == '\r';
			boolean literal = (b >= 33 && b <= 126 && b != '=' && !(b == '.' && column == 0))
					|| ((b == ' ' || b == '\t') && !lineEnd);
			int width = literal ? 1 : 3;
			if (column + width > 75) {
				out[o++] = '=';
				out[o++] = '\r';
				out[o++] = '\n';
				column = 0;
				if (b == '.') {
					literal = false;
					width = 3;
				}
			}
			if (literal) {
				out[o++] = (byte) b;
			}
			else {
				out[o++] = '=';
				out[o++] = HEX[b >> 4];
				out[o++] = HEX[b & 0xF];
			}
			column += width;
		}
		sink.write(out, 0, o);
	}

	static void ascii(ByteArrayOutputStream out, String text) {
		out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
	}

}
