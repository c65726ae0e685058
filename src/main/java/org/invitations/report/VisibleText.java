package org.invitations.report;

/**
 * Input text as every report shows it: never interpreted, nothing hidden or reordered,
 * and never read as a spreadsheet formula.
 */
public final class VisibleText {

	private VisibleText() {
	}

	/** {@code null} as empty text, anything else {@link #escaped escaped}. */
	public static String safe(String text) {
		return text == null ? "" : escaped(text);
	}

	/**
	 * Control and format characters (Unicode Cc and Cf: CR, LF, ESC, U+200B, U+202E,
	 * ...), line and paragraph separators and unpaired surrogates as {@code \u202E}
	 * ({@code \U000E0001} beyond the BMP), and a backslash as two, so that what is shown
	 * is unambiguous. Only values of rejected rows ever hold such characters.
	 */
	public static String escaped(String text) {
		int i = 0;
		while (i < text.length() && !needsEscape(text.charAt(i))) {
			i++;
		}
		if (i == text.length()) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
		while (i < text.length()) {
			int c = text.codePointAt(i);
			i += Character.charCount(c);
			if (c == '\\') {
				out.append("\\\\");
			}
			else if (!isHidden(c)) {
				out.appendCodePoint(c);
			}
			else if (c <= 0xFFFF) {
				out.append(String.format("\\u%04X", c));
			}
			else {
				out.append(String.format("\\U%08X", c));
			}
		}
		return out.toString();
	}

	/**
	 * A spreadsheet must not read an imported value as a formula ({@code =}, {@code +},
	 * {@code -}, {@code @}).
	 */
	public static String cell(String text) {
		text = text == null ? null : escaped(text);
		if (text != null && !text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
			return "'" + text;
		}
		return text;
	}

	private static boolean needsEscape(char c) {
		return c < ' ' || c == '\\' || (c >= 0x7F && (c < 0xA0 || c == 0xAD || c > 0x5FF));
	}

	private static boolean isHidden(int c) {
		int type = Character.getType(c);
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
				|| type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
	}

}
