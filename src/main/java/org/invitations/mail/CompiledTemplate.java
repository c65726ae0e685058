package org.invitations.mail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.unbescape.html.HtmlEscape;

/**
 * A template that only prints variables, turned once per run into literal text with
 * numbered gaps, so that each message costs a concatenation instead of a template
 * evaluation. Thymeleaf renders it once with marker values to find the gaps, and once
 * with awkward sample values to prove that filling the gaps (escaped for HTML, raw for
 * text) gives exactly what Thymeleaf gives. A template with logic is never compiled.
 * <p>
 * The whole lines inside each literal are also encoded as quoted-printable once: a line
 * break resets the encoder, so what lies between a literal's first and last line break
 * encodes the same in every message. A message then encodes only the lines that hold a
 * gap ({@link #encode}), and its subject only the title ({@link #part}).
 */
final class CompiledTemplate {

	private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)\\}");

	private static final Pattern BARE_VARIABLE = Pattern.compile("\\s*[A-Za-z]+\\s*");

	private static final List<String> LOGIC = List.of("th:if", "th:unless", "th:each", "th:switch", "th:case",
			"th:utext", "th:with", "th:insert", "th:replace", "th:include", "th:fragment", "th:object", "*{", "#{",
			"@{", "~{", "th:block");

	private static final char GAP_START = '\u0001';

	private static final char GAP_END = '\u0002';

	private final String[] literals;

	private final int[] gaps;

	private final boolean html;

	/**
	 * Per literal: where its first line ends (after the '\n'), -1 without a line break.
	 */
	private final int[] firstBreak;

	/** Per literal: where its last line ends (after the '\n'). */
	private final int[] lastBreak;

	/** Per literal: its whole lines, from the first break to the last, encoded. */
	private final byte[][] lines;

	/**
	 * The template's output with each gap a marker ({@code \u0001N\u0002}), to find what
	 * parts of it are fixed.
	 */
	private final String skeleton;

	/**
	 * Room for the output: the literals and about 100 characters per gap (a link is about
	 * that), so that the builder rarely grows while a message is rendered.
	 */
	private final int capacity;

	private CompiledTemplate(List<String> literals, int[] gaps, boolean html, String skeleton) {
		this.literals = literals.toArray(String[]::new);
		this.gaps = gaps;
		this.html = html;
		this.skeleton = skeleton;
		this.capacity = literals.stream().mapToInt(String::length).sum() + 100 * gaps.length + 64;
		this.firstBreak = new int[this.literals.length];
		this.lastBreak = new int[this.literals.length];
		this.lines = new byte[this.literals.length][];
		for (int i = 0; i < this.literals.length; i++) {
			String literal = this.literals[i];
			int first = literal.indexOf('\n');
			this.firstBreak[i] = first < 0 ? -1 : first + 1;
			this.lastBreak[i] = literal.lastIndexOf('\n') + 1;
			MessageBuffer out = MessageBuffer.empty();
			if (first >= 0) {
				MimeBytes.quotedPrintable(out, literal.substring(first + 1, this.lastBreak[i]));
			}
			this.lines[i] = out.toByteArray();
		}
	}

	/**
	 * Compiles a template, or returns {@code null} when it cannot be proven equivalent.
	 * @param source the template's text, to refuse logic before trying
	 * @param variables what the template may print, in the order of the values given to
	 * {@link #render} and {@link #encode}
	 * @param render renders the template with the given variables
	 */
	static @Nullable CompiledTemplate compile(@Nullable String source, List<String> variables, boolean html,
			Function<Map<String, String>, String> render) {
		if (source == null || LOGIC.stream().anyMatch(source::contains)) {
			return null;
		}
		Matcher expressions = EXPRESSION.matcher(source);
		while (expressions.find()) {
			String name = expressions.group(1);
			if (!BARE_VARIABLE.matcher(name).matches() || !variables.contains(name.strip())) {
				return null;
			}
		}
		Map<String, String> markers = new LinkedHashMap<>();
		for (int i = 0; i < variables.size(); i++) {
			markers.put(variables.get(i), GAP_START + Integer.toString(i) + GAP_END);
		}
		CompiledTemplate compiled = split(render.apply(markers), variables.size(), html);
		if (compiled == null) {
			return null;
		}
		// Awkward values: markup, entities, non-ASCII; and, for the encoding, line
		// breaks,
		// blanks at a line's end, leading dots and a line longer than 76 characters.
		String[] awkward = new String[variables.size()];
		String[] broken = new String[variables.size()];
		for (int i = 0; i < awkward.length; i++) {
			awkward[i] = "<b>&amp; \"O'Brien\" Zoë & ünï</b> " + variables.get(i);
			broken[i] = " .\n.x \r\n" + "é".repeat(30) + "=".repeat(30) + " \t\n" + variables.get(i) + " ";
		}
		for (String[] values : List.of(awkward, broken)) {
			String expected = render.apply(asMap(variables, values));
			if (!compiled.render(values).equals(expected)
					|| !Arrays.equals(compiled.encoded(values), encoded(expected))) {
				return null;
			}
		}
		return compiled;
	}

	/**
	 * Values given in the order of {@code variables}, by name, as Thymeleaf takes them.
	 */
	static Map<String, String> asMap(List<String> variables, String[] values) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < values.length; i++) {
			map.put(variables.get(i), values[i]);
		}
		return map;
	}

	private static @Nullable CompiledTemplate split(String output, int variables, boolean html) {
		List<String> literals = new ArrayList<>();
		List<Integer> gaps = new ArrayList<>();
		int start = 0;
		for (int open = output.indexOf(GAP_START); open >= 0; open = output.indexOf(GAP_START, start)) {
			int close = output.indexOf(GAP_END, open);
			if (close < 0) {
				return null;
			}
			int index;
			try {
				index = Integer.parseInt(output.substring(open + 1, close));
			}
			catch (NumberFormatException ex) {
				return null;
			}
			if (index < 0 || index >= variables) {
				return null;
			}
			literals.add(output.substring(start, open));
			gaps.add(index);
			start = close + 1;
		}
		if (output.indexOf(GAP_END, start) >= 0) {
			return null;
		}
		literals.add(output.substring(start));
		return new CompiledTemplate(literals, gaps.stream().mapToInt(Integer::intValue).toArray(), html, output);
	}

	/** The output for these values, given in the order of the compiled variables. */
	String render(String[] values) {
		StringBuilder out = new StringBuilder(capacity);
		for (int i = 0; i < gaps.length; i++) {
			out.append(literals[i]);
			out.append(value(values, i));
		}
		return out.append(literals[gaps.length]).toString();
	}

	/**
	 * The output for these values as quoted-printable, as
	 * {@link MimeBytes#quotedPrintable} encodes {@link #render}'s: the literals' whole
	 * lines are copied as they were encoded once, only the lines holding a gap are
	 * encoded.
	 */
	void encode(MessageBuffer out, String[] values) {
		StringBuilder line = new StringBuilder(256);
		for (int i = 0; i < gaps.length; i++) {
			literal(out, line, i);
			line.append(value(values, i));
		}
		literal(out, line, gaps.length);
		MimeBytes.quotedPrintable(out, line);
	}

	private void literal(MessageBuffer out, StringBuilder line, int i) {
		String literal = literals[i];
		int first = firstBreak[i];
		if (first < 0) {
			line.append(literal);
			return;
		}
		line.append(literal, 0, first);
		MimeBytes.quotedPrintable(out, line);
		line.setLength(0);
		out.bytes(lines[i]);
		line.append(literal, lastBreak[i], literal.length());
	}

	private String value(String[] values, int gap) {
		String value = values[gaps[gap]];
		return value == null ? "" : html ? HtmlEscape.escapeHtml4Xml(value) : value;
	}

	/**
	 * The text of the HTML output's first match of {@code pattern} (its first group),
	 * found once in the skeleton: {@code null} when there is none, or when the match
	 * itself, outside the group, holds a gap. Values are escaped, so they cannot change
	 * where a pattern of tags matches.
	 */
	@Nullable CompiledTemplate part(Pattern pattern) {
		if (!html) {
			return null;
		}
		Matcher matcher = pattern.matcher(skeleton);
		if (!matcher.find()) {
			return null;
		}
		String inside = matcher.group(1);
		String outside = skeleton.substring(matcher.start(), matcher.start(1))
				+ skeleton.substring(matcher.end(1), matcher.end());
		if (outside.indexOf(GAP_START) >= 0) {
			return null;
		}
		return split(inside, Integer.MAX_VALUE, true);
	}

	private byte[] encoded(String[] values) {
		MessageBuffer out = MessageBuffer.empty();
		encode(out, values);
		return out.toByteArray();
	}

	private static byte[] encoded(String text) {
		MessageBuffer out = MessageBuffer.empty();
		MimeBytes.quotedPrintable(out, text);
		return out.toByteArray();
	}

}
