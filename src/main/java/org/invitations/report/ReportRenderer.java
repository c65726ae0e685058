package org.invitations.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes an execution's report as CSV, JSON or HTML to any writer or stream, the rows
 * streamed from the database: the command line's {@code report} and any page that offers
 * the report call this one class.
 */
@Component
public class ReportRenderer {

	private final RunSummaries summaries;

	private final JdbcTemplate jdbc;

	public ReportRenderer(RunSummaries summaries, JdbcTemplate jdbc) {
		this.summaries = summaries;
		this.jdbc = jdbc;
	}

	/** The media type of a format, for a download. */
	public static String contentType(ReportFormat format) {
		return switch (format) {
			case CSV -> "text/csv; charset=UTF-8";
			case JSON -> "application/json";
			case HTML -> "text/html; charset=UTF-8";
			case TEXT -> "text/plain; charset=UTF-8";
		};
	}

	/**
	 * Writes the report as UTF-8 bytes.
	 * @return the summary it was written from, or {@code null} (nothing written) when
	 * there is no such execution
	 */
	public RunSummary write(long executionId, ReportFormat format, ReportOptions options, OutputStream out) {
		Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
		RunSummary summary = write(executionId, format, options, writer);
		try {
			writer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return summary;
	}

	/** Writes the report; text is not one of the formats (the command line prints it). */
	public RunSummary write(long executionId, ReportFormat format, ReportOptions options, Writer out) {
		RunSummary summary = summaries.of(executionId);
		if (summary == null) {
			return null;
		}
		write(summary, format, options, out);
		return summary;
	}

	/**
	 * The summary object alone, as in the JSON report ({@code summary}): what a webhook
	 * receives.
	 */
	public static String summaryJson(RunSummary summary) {
		return JsonReport.summaryJson(summary);
	}

	/**
	 * Writes the report of a summary already built (the completion email attaches what it
	 * summarised).
	 */
	public void write(RunSummary summary, ReportFormat format, ReportOptions options, Writer out) {
		long instance = summary.execution().instanceId();
		ReportCursor.open(jdbc, cursor -> {
			switch (format) {
				case CSV -> CsvReport.write(cursor.inInputOrder(instance, options.outcome()), options, out);
				case JSON -> JsonReport.write(summary, cursor.inInputOrder(instance, options.outcome()), out);
				case HTML -> {
					long sent = options.outcome() == null ? summary.count("SENT") + summary.count("WOULD_SEND")
							: (options.outcome().equals("SENT") || options.outcome().equals("WOULD_SEND")
									? summary.count(options.outcome()) : 0);
					// Rows purged are not left out: the page says they are gone.
					long leftOut = summary.purged() != null ? 0 : Math.max(0, sent - options.sentRowLimit());
					HtmlReport.write(summary, cursor.problems(instance, options.outcome()),
							cursor.sent(instance, options.outcome(), options.sentRowLimit()), leftOut,
							"report " + summary.execution().id() + " --format html --all-rows", out);
				}
				case TEXT -> throw new IllegalArgumentException("the text report is printed by the command line");
			}
			out.flush();
			return null;
		});
	}

}
