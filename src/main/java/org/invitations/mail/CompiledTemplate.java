package org.invitations.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.unbescape.html.HtmlEscape;

/**
 * A template that only prints variables, turned once per run into literal text with
 * numbered gaps, so that each message costs a concatenation instead of a template
 * evaluation. Thymeleaf renders it once with marker values to find the gaps, and once
 * with awkward sample values to prove that filling the gaps (escaped for HTML, raw for
 * text) gives exactly what Thymeleaf gives. A template with logic is never compiled.
 */
final class CompiledTemplate {

	private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^}]*)\\}");

	private static final Pattern BARE_VARIABLE = Pattern.compile("\\s*[A-Za-z]+\\s*");

	private static final List<String> LOGIC = List.of("th:if", "th:unless", "th:each", "th:switch", "th:case",
			"th:utext", "th:with", "th:insert", "th:replace", "th:include", "th:fragment", "th:object", "*{", "#{",
			"@{", "~{", "th:block");

	private final List<String> literals;

	private final int[] gaps;

	private final List<String> variables;

	private final boolean html;

	/**
	 * Room for the output: the literals and about 100 characters per gap (a link is about
	 * that), so that the builder rarely grows while a message is rendered.
	 */
	private final int capacity;

	private CompiledTemplate(List<String> literals, int[] gaps, List<String> variables, boolean html) {
		this.literals = literals;
		this.gaps = gaps;
		this.variables = variables;
		this.html = html;
		this.capacity = literals.stream().mapToInt(String::length).sum() + 100 * gaps.length + 64;
	}

	/**
	 * Compiles a template, or returns {@code null} when it cannot be proven equivalent.
	 * @param source the template's text, to refuse logic before trying
	 * @param render renders the template with the given variables
	 */
	static CompiledTemplate compile(String source, List<String> variables, boolean html,
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
		Map<String, String> markers = new java.util.LinkedHashMap<>();
		for (int i = 0; i < variables.size(); i++) {
			markers.put(variables.get(i), "\u0001" + i + "\u0002");
		}
		CompiledTemplate compiled = split(render.apply(markers), variables, html);
		if (compiled == null) {
			return null;
		}
		Map<String, String> awkward = new java.util.LinkedHashMap<>();
		for (String variable : variables) {
			awkward.put(variable, "<b>&amp; \"O'Brien\" Zoë & ünï</b> " + variable);
		}
		return compiled.render(awkward).equals(render.apply(awkward)) ? compiled : null;
	}

	private static CompiledTemplate split(String output, List<String> variables, boolean html) {
		List<String> literals = new ArrayList<>();
		List<Integer> gaps = new ArrayList<>();
		int start = 0;
		for (int open = output.indexOf('\u0001'); open >= 0; open = output.indexOf('\u0001', start)) {
			int close = output.indexOf('\u0002', open);
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
			if (index < 0 || index >= variables.size()) {
				return null;
			}
			literals.add(output.substring(start, open));
			gaps.add(index);
			start = close + 1;
		}
		if (output.indexOf('\u0002', start) >= 0) {
			return null;
		}
		literals.add(output.substring(start));
		return new CompiledTemplate(literals, gaps.stream().mapToInt(Integer::intValue).toArray(), variables, html);
	}

	String render(Map<String, String> values) {
		StringBuilder out = new StringBuilder(capacity);
		for (int i = 0; i < gaps.length; i++) {
			out.append(literals.get(i));
			String value = values.get(variables.get(gaps[i]));
			out.append(html ? HtmlEscape.escapeHtml4Xml(value == null ? "" : value) : value == null ? "" : value);
		}
		return out.append(literals.get(gaps.length)).toString();
	}

}
