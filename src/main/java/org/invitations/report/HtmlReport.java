package org.invitations.report;

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
 * The run's report as one self-contained HTML page ({@code templates/report/run.html}): no external asset, a
 * chart as inline SVG, every value escaped by Thymeleaf and shown with hidden characters made visible. Rows are
 * pulled from the cursors while the page is written.
 */
final class HtmlReport {

	private static final SpringTemplateEngine ENGINE = engine();

	private HtmlReport() {
	}

	/** One bar of the chart: a label, its count and its geometry in the SVG's coordinates. */
	record Bar(String label, long count, String tone, int y, double width) {
	}

	/** A row as the page shows it: values with hidden characters escaped, its problem advice looked up. */
	record Row(long item, String line, String email, String name, String outcome, String reason, String detail,
			Long invitationId, String kind) {

		static Row of(ReportRow row) {
			String name = ((row.firstName() == null ? "" : row.firstName()) + " "
					+ (row.lastName() == null ? "" : row.lastName())).strip();
			return new Row(row.item(), row.line() == null ? "#" + row.item() : row.line().toString(),
					VisibleText.safe(row.email()), VisibleText.safe(name), row.outcome(),
					row.reason() == null ? "" : row.reason(), VisibleText.safe(row.detail()), row.invitationId(),
					row.kind() == null ? "" : row.kind().toLowerCase(Locale.ROOT).replace('_', ' '));
		}

	}

	static void write(RunSummary summary, Iterator<ReportRow> problems, Iterator<ReportRow> sent, long sentLeftOut,
			String allRowsCommand, Writer out) {
		Context context = new Context(Locale.ROOT);
		context.setVariable("s", summary);
		context.setVariable("headline", VisibleText.safe(ReportHeadline.of(summary)));
		context.setVariable("description", summary.description() == null ? null : VisibleText.safe(summary.description()));
		context.setVariable("bars", bars(summary));
		context.setVariable("problems", map(problems));
		context.setVariable("sent", map(sent));
		context.setVariable("sentLeftOut", sentLeftOut);
		context.setVariable("allRowsCommand", allRowsCommand);
		context.setVariable("generated", Instant.now().toString());
		context.setVariable("parameters", visible(summary.parameters()));
		ENGINE.process("run", context, out);
	}

	/** Outcomes first, then each outcome's reasons, as bars scaled to the largest count. */
	static List<Bar> bars(RunSummary summary) {
		List<Bar> bars = new ArrayList<>();
		long max = summary.outcomes().stream().mapToLong(OutcomeCount::count).max().orElse(1);
		int y = 0;
		for (OutcomeCount outcome : summary.outcomes()) {
			bars.add(new Bar(outcome.outcome(), outcome.count(), tone(outcome.outcome()), y, width(outcome.count(), max)));
			y += 22;
			for (Map.Entry<String, Long> reason : outcome.reasons().entrySet()) {
				bars.add(new Bar("  " + reason.getKey(), reason.getValue(), tone(outcome.outcome()) + " reason", y,
						width(reason.getValue(), max)));
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

	private static Iterator<Row> map(Iterator<ReportRow> rows) {
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return rows.hasNext();
			}

			@Override
			public Row next() {
				return Row.of(rows.next());
			}

		};
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
