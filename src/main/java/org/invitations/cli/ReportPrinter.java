package org.invitations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import org.invitations.report.ReportQueries;
import org.invitations.report.ReportQueries.Execution;
import org.invitations.report.ReportQueries.OutcomeCount;

/** Prints executions and reports for people: aligned text, or CSV for spreadsheets. */
class ReportPrinter {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	private final PrintWriter out;

	private final ReportQueries queries;

	ReportPrinter(PrintWriter out, ReportQueries queries) {
		this.out = out;
		this.queries = queries;
	}

	/** The execution's headline and its run's totals; false if there is no such execution. */
	boolean summary(long executionId) {
		Execution execution = queries.execution(executionId);
		if (execution == null) {
			return false;
		}
		String took = execution.start() != null && execution.end() != null
				? String.format(" in %.1fs", Duration.between(execution.start(), execution.end()).toMillis() / 1000.0) : "";
		out.printf("Run %s of '%s'%s: execution %d %s%s%n", execution.run(), execution.specName(),
				execution.dryRun() ? " (dry run)" : "", execution.id(), execution.status(), took);
		if (execution.exitMessage() != null && !execution.exitMessage().isBlank() && !"COMPLETED".equals(execution.status())) {
			out.println("  " + safe(execution.exitMessage().lines().findFirst().orElse("")));
		}
		List<OutcomeCount> counts = queries.summary(execution.instanceId());
		long total = 0;
		for (OutcomeCount count : counts) {
			total += count.count();
			String reasons = count.reasons()
				.entrySet()
				.stream()
				.map(e -> e.getKey() + " " + e.getValue())
				.collect(Collectors.joining(", "));
			out.printf("  %-11s %8d  %s%n", count.outcome(), count.count(), reasons);
		}
		out.printf("  %-11s %8d%n", "TOTAL", total);
		return true;
	}

	void executions(int limit) {
		out.printf("%-10s %-14s %-20s %-5s %-9s %-10s %-20s %s%n", "EXECUTION", "JOB", "SPEC", "RUN", "DRY-RUN", "STATUS",
				"STARTED", "ENDED");
		for (Execution e : queries.recent(limit)) {
			out.printf("%-10d %-14s %-20s %-5s %-9s %-10s %-20s %s%n", e.id(), e.job(), e.specName(), e.run(),
					e.dryRun() ? "yes" : "",
					e.status(), e.start() == null ? "" : TIME.format(e.start()), e.end() == null ? "" : TIME.format(e.end()));
		}
	}

	void steps(long executionId) {
		out.printf("  %-10s %-10s %8s %8s %8s %8s %8s%n", "STEP", "STATUS", "READ", "WRITTEN", "FILTERED", "COMMITS",
				"ROLLBACKS");
		for (ReportQueries.StepCounts step : queries.steps(executionId)) {
			out.printf("  %-10s %-10s %8d %8d %8d %8d %8d%n", step.name(), step.status(), step.read(), step.write(),
					step.filter(), step.commit(), step.rollback());
		}
	}

	void items(long executionId, String outcome) {
		out.println();
		out.printf("%-7s %-40s %-10s %-20s %s%n", "LINE", "EMAIL", "OUTCOME", "REASON", "DETAIL");
		long instance = queries.execution(executionId).instanceId();
		queries.items(instance, outcome, row -> out.printf("%-7s %-40s %-10s %-20s %s%n",
				row.line() != null ? row.line() : "#" + row.item(), safe(row.email()), row.outcome(),
				row.reason() == null ? "" : row.reason(), safe(row.detail())));
	}

	boolean csv(long executionId, String outcome) {
		Execution execution = queries.execution(executionId);
		if (execution == null) {
			return false;
		}
		try {
			CSVPrinter csv = CSVFormat.RFC4180.builder()
				.setHeader("item", "line", "email", "outcome", "reason", "detail", "invitation_id", "kind")
				.get()
				.print(out);
			queries.items(execution.instanceId(), outcome, row -> {
				try {
					csv.printRecord(row.item(), row.line(), cell(row.email()), row.outcome(), row.reason(),
							cell(row.detail()), row.invitationId(), row.kind());
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			csv.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return true;
	}

	/** Input text is shown, never interpreted: no terminal control sequences, no hidden or reordered text. */
	private static String safe(String text) {
		return text == null ? "" : escaped(text);
	}

	/**
	 * Control and format characters (Unicode Cc and Cf: CR, LF, ESC, U+200B, U+202E, ...), line and paragraph
	 * separators and unpaired surrogates as {@code \u202E} ({@code \U000E0001} beyond the BMP), and a backslash
	 * as two, so that what is shown is unambiguous. Only values of rejected rows ever hold such characters.
	 */
	static String escaped(String text) {
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

	private static boolean needsEscape(char c) {
		return c < ' ' || c == '\\' || (c >= 0x7F && (c < 0xA0 || c == 0xAD || c > 0x5FF));
	}

	private static boolean isHidden(int c) {
		int type = Character.getType(c);
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
				|| type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
	}

	/** A spreadsheet must not read an imported value as a formula, nor show it with hidden characters. */
	private static String cell(String text) {
		text = text == null ? null : escaped(text);
		if (text != null && !text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0) {
			return "'" + text;
		}
		return text;
	}

}
