package org.invitations.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * DKIM's relaxed canonicalization (RFC 6376 3.4.2, 3.4.4) straight on a message's bytes:
 * where the body starts, its hash, the header block's fields by name and each in relaxed
 * form. One pass over the bytes, no MIME parsing and no copy of lines that need no
 * change.
 */
final class DkimCanonical {

	private DkimCanonical() {
	}

	/** The offset of the body: after the first empty line, or the end. */
	static int bodyStart(byte[] message) {
		if (message.length >= 2 && message[0] == '\r' && message[1] == '\n') {
			return 2;
		}
		for (int i = 0; i + 3 < message.length; i++) {
			if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
				return i + 4;
			}
		}
		return message.length;
	}

	/**
	 * SHA-256 of the body in relaxed form (RFC 6376 3.4.4): whitespace at line ends
	 * dropped, runs of it made one space, empty lines at the end dropped, CRLF after the
	 * last line. Lines that need none of this, nearly all of them, go into the hash as
	 * they are.
	 */
	static byte[] bodyHash(byte[] message, int from) {
		MessageDigest digest = sha256();
		byte[] crlf = { '\r', '\n' };
		byte[] scratch = null;
		int emptyLines = 0;
		int start = from;
		while (start < message.length) {
			int end = start;
			while (end < message.length
					&& !(message[end] == '\r' && end + 1 < message.length && message[end + 1] == '\n')) {
				end++;
			}
			int next = Math.min(end + 2, message.length);
			int last = end;
			while (last > start && isWsp(message[last - 1])) {
				last--;
			}
			if (last == start) {
				emptyLines++;
				start = next;
				continue;
			}
			for (; emptyLines > 0; emptyLines--) {
				digest.update(crlf);
			}
			if (needsRelaxing(message, start, last)) {
				if (scratch == null || scratch.length < last - start) {
					scratch = new byte[Math.max(last - start, 1024)];
				}
				int length = relax(message, start, last, scratch);
				digest.update(scratch, 0, length);
			}
			else {
				digest.update(message, start, last - start);
			}
			digest.update(crlf);
			start = next;
		}
		return digest.digest();
	}

	private static boolean needsRelaxing(byte[] bytes, int start, int end) {
		for (int i = start; i < end; i++) {
			if (bytes[i] == '\t' || (bytes[i] == ' ' && i + 1 < end && isWsp(bytes[i + 1]))) {
				return true;
			}
		}
		return false;
	}

	/** Runs of whitespace as one space, into {@code out}; returns the length. */
	private static int relax(byte[] bytes, int start, int end, byte[] out) {
		int o = 0;
		for (int i = start; i < end; i++) {
			if (isWsp(bytes[i])) {
				if (o == 0 || out[o - 1] != ' ') {
					out[o++] = ' ';
				}
			}
			else {
				out[o++] = bytes[i];
			}
		}
		return o;
	}

	/**
	 * A header field in relaxed form (RFC 6376 3.4.2): name in lower case, unfolded, runs
	 * of whitespace made one space, none around the colon or at the end; then CRLF.
	 */
	static void relaxedHeader(byte[] bytes, int start, int end, ByteArrayOutputStream out) {
		int colon = start;
		while (bytes[colon] != ':') {
			colon++;
		}
		int nameEnd = colon;
		while (nameEnd > start && isWsp(bytes[nameEnd - 1])) {
			nameEnd--;
		}
		for (int i = start; i < nameEnd; i++) {
			int c = bytes[i];
			out.write(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		out.write(':');
		boolean space = false;
		boolean any = false;
		for (int i = colon + 1; i < end; i++) {
			byte c = bytes[i];
			if (c == '\r' || c == '\n') {
				continue;
			}
			if (isWsp(c)) {
				space = any;
				continue;
			}
			if (space) {
				out.write(' ');
				space = false;
			}
			out.write(c);
			any = true;
		}
		out.write('\r');
		out.write('\n');
	}

	private static boolean isWsp(byte b) {
		return b == ' ' || b == '\t';
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	/**
	 * The header block's fields of the signed names: where each instance starts and ends
	 * (its last CRLF excluded), in order.
	 */
	static final class Fields {

		private final Map<String, List<int[]>> byName = new HashMap<>();

		static Fields of(byte[] message, int bodyStart) {
			Fields fields = new Fields();
			int headerEnd = bodyStart >= 4 ? bodyStart - 2 : bodyStart;
			int start = 0;
			while (start < headerEnd) {
				int end = start;
				// A field runs to the CRLF not followed by whitespace (RFC 5322 2.2.3).
				while (end < headerEnd && !(message[end] == '\r' && end + 1 < headerEnd && message[end + 1] == '\n'
						&& (end + 2 >= headerEnd || !isWsp(message[end + 2])))) {
					end++;
				}
				int colon = start;
				while (colon < end && message[colon] != ':') {
					colon++;
				}
				if (colon < end) {
					String name = new String(message, start, colon - start, StandardCharsets.US_ASCII).strip()
						.toLowerCase(Locale.ROOT);
					fields.byName.computeIfAbsent(name, n -> new ArrayList<>()).add(new int[] { start, end });
				}
				start = end + 2;
			}
			return fields;
		}

		int count(String name) {
			List<int[]> found = byName.get(name);
			return found == null ? 0 : found.size();
		}

		int start(String name, int i) {
			return byName.get(name).get(i)[0];
		}

		int end(String name, int i) {
			return byName.get(name).get(i)[1];
		}

	}

}
