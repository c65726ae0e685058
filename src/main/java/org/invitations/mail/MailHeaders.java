package org.invitations.mail;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Header lines by the rules of RFC 5322 and RFC 2047, for text that came from the input:
 * no control or format character (bidi overrides, zero-width characters) ever reaches a
 * header, a display name has at most {@link #MAX_DISPLAY_NAME} characters, and every line
 * is at most 78 characters (an address longer than a line gets a line of its own, at most
 * 998). One pass over the text, no regular expressions: this runs for every message.
 */
final class MailHeaders {

	/** A longer display name is shortened to this many characters (code points). */
	static final int MAX_DISPLAY_NAME = 200;

	/** RFC 5322 2.1.1: lines SHOULD be at most 78 characters, without the CRLF. */
	static final int LINE = 78;

	/** RFC 2047 2: an encoded-word is at most 75 characters. */
	private static final int MAX_ENCODED_WORD = 75;

	private static final String PREFIX = "=?UTF-8?B?";

	private static final String SUFFIX = "?=";

	private static final Base64.Encoder BASE64 = Base64.getEncoder();

	private MailHeaders() {
	}

	/**
	 * Text as a header may show it: control characters, line and paragraph separators and
	 * other spaces become a space, runs of spaces one; format characters (Unicode
	 * category Cf: U+200B, U+202E, U+2066 to U+2069, U+FEFF, ...) and unpaired surrogates
	 * are removed; leading and trailing spaces too.
	 */
	static String clean(String text) {
		if (text == null) {
			return null;
		}
		if (isClean(text)) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length());
		boolean space = false;
		for (int i = 0; i < text.length();) {
			int c = text.codePointAt(i);
			i += Character.charCount(c);
			int type = Character.getType(c);
			if (type == Character.FORMAT || type == Character.SURROGATE) {
				continue;
			}
			if (type == Character.CONTROL || type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
					|| type == Character.PARAGRAPH_SEPARATOR) {
				space = out.length() > 0;
				continue;
			}
			if (space) {
				out.append(' ');
				space = false;
			}
			out.appendCodePoint(c);
		}
		return out.toString();
	}

	/** Printable ASCII with single inner spaces: the common case, returned as it is. */
	private static boolean isClean(String text) {
		int n = text.length();
		if (n == 0) {
			return true;
		}
		if (text.charAt(0) == ' ' || text.charAt(n - 1) == ' ') {
			return false;
		}
		char previous = 'x';
		for (int i = 0; i < n; i++) {
			char c = text.charAt(i);
			if (c < ' ' || c > '~' || (c == ' ' && previous == ' ')) {
				return false;
			}
			previous = c;
		}
		return true;
	}

	/**
	 * A display name as a header may show it: {@link #clean}, at most 200 characters,
	 * {@code null} if empty.
	 */
	static String displayName(String name) {
		String clean = clean(name);
		if (clean == null || clean.isEmpty()) {
			return null;
		}
		if (clean.length() > MAX_DISPLAY_NAME && clean.codePointCount(0, clean.length()) > MAX_DISPLAY_NAME) {
			clean = clean.substring(0, clean.offsetByCodePoints(0, MAX_DISPLAY_NAME)).stripTrailing();
		}
		return clean;
	}

	/**
	 * A mailbox header ({@code To}, {@code From}), folded, without the final CRLF: the
	 * display name as a phrase (quoted when it needs to be) if it is printable ASCII and
	 * fits on the first line, else as encoded-words.
	 */
	static String mailbox(String field, String name, String address) {
		String display = displayName(name);
		StringBuilder out = new StringBuilder(
				field.length() + 2 + address.length() + 3 + (display == null ? 0 : display.length() * 2 + 40));
		out.append(field).append(':');
		if (display == null) {
			return append(out, address).toString();
		}
		String phrase = isPlain(display) ? phrase(display) : null;
		if (phrase != null && out.length() + 1 + phrase.length() <= LINE) {
			out.append(' ').append(phrase);
		}
		else {
			encodedWords(out, display);
		}
		return append(out, "<" + address + ">").toString();
	}

	/**
	 * An unstructured header ({@code Subject}), folded at spaces, or as encoded-words,
	 * without the final CRLF.
	 */
	static String unstructured(String field, String text) {
		String clean = clean(text);
		StringBuilder out = new StringBuilder(field.length() + 2 + clean.length() * 2 + 40);
		out.append(field).append(':');
		if (!isPlain(clean) || !foldsAtSpaces(clean)) {
			encodedWords(out, clean);
			return out.toString();
		}
		int from = 0;
		while (from < clean.length()) {
			int space = clean.indexOf(' ', from);
			int to = space < 0 ? clean.length() : space;
			append(out, clean.substring(from, to));
			from = to + 1;
		}
		return out.toString();
	}

	/**
	 * Printable ASCII that no mail program could read as an encoded-word: anything else
	 * is encoded, so that the name decodes to exactly itself.
	 */
	private static boolean isPlain(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < ' ' || c > '~' || (c == '=' && i + 1 < text.length() && text.charAt(i + 1) == '?')) {
				return false;
			}
		}
		return true;
	}

	/** Whether every word fits on a line of its own after the folding space. */
	private static boolean foldsAtSpaces(String text) {
		int word = 0;
		for (int i = 0; i < text.length(); i++) {
			word = text.charAt(i) == ' ' ? 0 : word + 1;
			if (word > LINE - 1) {
				return false;
			}
		}
		return true;
	}

	/** RFC 5322 3.2.3: atext and spaces as they are; anything else in a quoted-string. */
	private static String phrase(String text) {
		boolean atoms = true;
		for (int i = 0; i < text.length() && atoms; i++) {
			char c = text.charAt(i);
			atoms = c == ' ' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
		}
		if (atoms) {
			return text;
		}
		StringBuilder quoted = new StringBuilder(text.length() + 8).append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				quoted.append('\\');
			}
			quoted.append(c);
		}
		return quoted.append('"').toString();
	}

	/**
	 * Adds a space and the token, or a fold and the token when the line would grow over
	 * 78.
	 */
	private static StringBuilder append(StringBuilder out, String token) {
		int lineStart = out.lastIndexOf("\n") + 1;
		if (out.length() - lineStart + 1 + token.length() > LINE && out.length() - lineStart > 1) {
			out.append("\r\n");
		}
		return out.append(' ').append(token);
	}

	/**
	 * RFC 2047 B encoded-words of UTF-8, one per line, each at most 75 characters and
	 * fitting its line, never splitting a character; the spaces between them are not part
	 * of the text.
	 */
	private static void encodedWords(StringBuilder out, String text) {
		byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
		int column = out.length() - (out.lastIndexOf("\n") + 1);
		int start = 0;
		while (start < utf8.length) {
			int room = Math.min(MAX_ENCODED_WORD, LINE - column - 1) - PREFIX.length() - SUFFIX.length();
			if (room < 4 * 4) {
				out.append("\r\n");
				column = 0;
				continue;
			}
			int maxBytes = room / 4 * 3;
			int end = Math.min(utf8.length, start + maxBytes);
			// Back off to the start of a character: continuation bytes are 10xxxxxx.
			while (end < utf8.length && end > start && (utf8[end] & 0xC0) == 0x80) {
				end--;
			}
			out.append(' ').append(PREFIX);
			out.append(BASE64.encodeToString(java.util.Arrays.copyOfRange(utf8, start, end))).append(SUFFIX);
			start = end;
			if (start < utf8.length) {
				out.append("\r\n");
				column = 0;
			}
		}
	}

}
