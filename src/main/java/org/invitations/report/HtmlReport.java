package org.invitations.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.report.ReportQueries.ReportRow;

/**
 * The run's report as one self-contained HTML page ({@code templates/report/run.html}):
 * no external asset, a chart as inline SVG, every value escaped and shown with hidden
 * characters made visible. Rows are pulled from the cursors while the page is written.
 */
final class HtmlReport {

	private static final SpringTemplateEngine ENGINE = engine();

	/** Where the rows go: a comment of the template, which no escaped value can spell. */
	private static final String ROWS = "<!--rows: problems first, then sent; streamed in by HtmlReport-->";

	private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
		.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(java.time.ZoneOffset.UTC);

	private HtmlReport() {
	}

	/**
	 * One bar of the chart: a label, its count and its geometry in the SVG's coordinates.
	 */
	record Bar(String label, long count, String tone, int y, double width, boolean reason) {
	}

	static void write(RunSummary summary, Iterator<ReportRow> problems, Iterator<ReportRow> sent, long sentLeftOut,
			String allRowsCommand, Writer out) {
		Context context = new Context(Locale.ROOT);
		context.setVariable("s", summary);
		context.setVariable("headline", VisibleText.safe(ReportHeadline.of(summary)));
		context.setVariable("description",
				summary.description() == null ? null : VisibleText.safe(summary.description()));
		context.setVariable("bars", bars(summary));
		context.setVariable("sentLeftOut", sentLeftOut);
		context.setVariable("allRowsCommand", allRowsCommand);
		context.setVariable("generated", TIME.format(Instant.now()));
		context.setVariable("started",
				summary.execution().start() == null ? "-" : TIME.format(summary.execution().start()));
		context.setVariable("ended",
				summary.execution().end() == null ? "not ended" : TIME.format(summary.execution().end()));
		context.setVariable("parameters", visible(summary.parameters()));
		// The page around the rows is small: Thymeleaf renders it whole, and the rows,
		// which may be a million, are
		// streamed into its table by a plain loop that escapes each value the way
		// Thymeleaf does.
		StringWriter page = new StringWriter();
		ENGINE.process("run", context, page);
		String html = page.toString();
		int at = html.indexOf(ROWS);
		if (at < 0) {
			throw new IllegalStateException("templates/report/run.html has lost its rows marker");
		}
		try {
			out.write(html, 0, at);
			rows(problems, out);
			rows(sent, out);
			out.write(html, at + ROWS.length(), html.length() - at - ROWS.length());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void rows(Iterator<ReportRow> rows, Writer out) throws IOException {
		while (rows.hasNext()) {
			ReportRow row = rows.next();
			out.write("<tr class=\"");
			out.write(row.outcome());
			out.write("\"><td>");
			out.write(row.line() == null ? "#" + row.item() : row.line().toString());
			out.write("</td><td class=\"text\">");
			escape(VisibleText.safe(row.email()), out);
			out.write("</td><td class=\"text\">");
			escape(VisibleText.safe(row.firstName()), out);
			if (row.lastName() != null && !row.lastName().isEmpty()) {
				out.write(' ');
				escape(VisibleText.safe(row.lastName()), out);
			}
			out.write("</td><td>");
			out.write(row.outcome());
			out.write("</td><td>");
			escape(row.reason() == null ? "" : row.reason(), out);
			out.write("</td><td class=\"text\">");
			escape(VisibleText.safe(row.detail()), out);
			out.write("</td><td>");
			out.write(row.invitationId() == null ? "" : row.invitationId().toString());
			out.write("</td></tr>\n");
		}
	}

	/**
	 * HTML text and attribute escaping: the five characters that could end a text or open
	 * markup.
	 */
	static void escape(String text, Writer out) throws IOException {
		int from = 0;
		for (int i = 0; i < text.length(); i++) {
			String entity = switch (text.charAt(i)) {
				case '&' -> "&amp;";
				case '<' -> "&lt;";
				case '>' -> "&gt;";
				case '"' -> "&quot;";
				case '\'' -> "&#39;";
				default -> null;
			};
			if (entity != null) {
				out.write(text, from, i - from);
				out.write(entity);
				from = i + 1;
			}
		}
		out.write(text, from, text.length() - from);
	}

	/**
	 * Outcomes first, then each outcome's reasons, as bars scaled to the largest count.
	 */
	static List<Bar> bars(RunSummary summary) {
		List<Bar> bars = new ArrayList<>();
		long max = summary.outcomes().stream().mapToLong(OutcomeCount::count).max().orElse(1);
		int y = 0;
		for (OutcomeCount outcome : summary.outcomes()) {
			bars.add(new Bar(outcome.outcome(), outcome.count(), tone(outcome.outcome()), y,
					width(outcome.count(), max), false));
			y += 22;
			for (Map.Entry<String, Long> reason : outcome.reasons().entrySet()) {
				bars.add(new Bar(reason.getKey(), reason.getValue(), tone(outcome.outcome()) + " reason", y,
						width(reason.getValue(), max), true));
				y += 18;
			}
		}
		return bars;
	}

	private static double width(long count, long max) {
		return max == 0 ? 0 : Math.max(0.5, Math.round(count * 1000.0 / max) / 10.0);
	}

	private static String tone(String outcome) {
		return switch (outcome) {
			case "SENT", "WOULD_SEND", "EXPIRED" -> "ok";
			case "FAILED" -> "bad";
			case "DEFERRED", "QUEUED" -> "wait";
			default -> "note";
		};
	}

	private static Map<String, String> visible(Map<String, String> values) {
		Map<String, String> shown = new java.util.LinkedHashMap<>();
		values.forEach((k, v) -> shown.put(VisibleText.safe(k), VisibleText.safe(v)));
		return shown;
	}

	private static SpringTemplateEngine engine() {
		ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(HtmlReport.class.getClassLoader());
		resolver.setPrefix("templates/report/");
		resolver.setSuffix(".html");
		resolver.setTemplateMode(TemplateMode.HTML);
		resolver.setCharacterEncoding("UTF-8");
		resolver.setCacheable(true);
		SpringTemplateEngine engine = new SpringTemplateEngine();
		engine.setTemplateResolver(resolver);
		return engine;
	}

}
