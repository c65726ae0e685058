package org.invitations.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.report.ReportFormat;
import org.invitations.report.ReportHeadline;
import org.invitations.report.ReportOptions;
import org.invitations.report.ReportQueries;
import org.invitations.report.ReportRenderer;
import org.invitations.report.RunSummaries;
import org.invitations.report.RunSummary;

/**
 * {@code report EXECUTION}: the totals and one row per input item of that execution's
 * run, in any format.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
		description = { "Shows a run's report (also of resend and expiry runs): totals by outcome and reason, whether",
				"they add up to the rows read, what to do next, then one row per input item (line, email, name,",
				"outcome, reason, detail). Rows cover every execution of the run." })
class ReportCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "EXECUTION", description = "a job execution id, as printed by run and status")
	long executionId;

	@Option(names = "--outcome", paramLabel = "OUTCOME",
			description = "only rows with this outcome: SENT, WOULD_SEND, QUEUED, DEFERRED, FAILED, SKIPPED, REJECTED")
	String outcome;

	@Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
			description = "text (aligned columns), csv (RFC 4180, for spreadsheets), json (report-schema.json) or html"
					+ " (one self-contained page with a chart)")
	String format;

	@Option(names = "--out", paramLabel = "FILE", description = "write the report into this file instead of stdout")
	Path file;

	@Option(names = "--no-bom", description = "csv: leave out the UTF-8 byte order mark that spreadsheets need")
	boolean noBom;

	@Option(names = "--all-rows",
			description = "html: show every sent row too (by default the problem rows and the first "
					+ ReportOptions.DEFAULT_SENT_ROW_LIMIT + " sent rows)")
	boolean allRows;

	/** The outcomes a report row can have. */
	static final java.util.List<String> OUTCOMES = org.invitations.invitation.ReportOutcome.dbValues();

	@Override
	public Integer call() throws IOException {
		ReportFormat chosen = ReportFormat.named(format);
		if (chosen == null) {
			throw usage("--format '" + format + "' is not one of " + ReportFormat.names());
		}
		String only = outcome == null ? null : outcome.toUpperCase(Locale.ROOT);
		if (only != null && !OUTCOMES.contains(only)) {
			throw usage("--outcome '" + outcome + "' is not one of " + String.join(", ", OUTCOMES));
		}
		ReportOptions options = new ReportOptions(only, !noBom,
				allRows ? Long.MAX_VALUE : ReportOptions.DEFAULT_SENT_ROW_LIMIT);
		if (file == null) {
			write(chosen, options, null, out());
			return 0;
		}
		// Written beside the file and moved over it at the end: a report cut short never
		// looks complete.
		Path target = file.toAbsolutePath();
		Path partial = target.resolveSibling(target.getFileName() + ".partial");
		try (OutputStream stream = Files.newOutputStream(partial)) {
			write(chosen, options, stream, new PrintWriter(stream, false, StandardCharsets.UTF_8));
		}
		catch (RuntimeException | IOException ex) {
			Files.deleteIfExists(partial);
			throw ex;
		}
		Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
		err().println("Report of execution " + executionId + " written to " + target);
		return 0;
	}

	private void write(ReportFormat chosen, ReportOptions options, OutputStream stream, PrintWriter text) {
		if (chosen == ReportFormat.TEXT) {
			ReportPrinter printer = new ReportPrinter(text, bean(ReportQueries.class));
			RunSummary summary = bean(RunSummaries.class).of(executionId);
			if (summary == null) {
				throw notFound("no job execution " + executionId);
			}
			printer.summary(summary);
			// An expiry run's rows are its reminders, if it sent any.
			printer.items(executionId, options.outcome());
			text.flush();
			purged(summary);
			return;
		}
		ReportRenderer renderer = bean(ReportRenderer.class);
		RunSummary written = stream != null ? renderer.write(executionId, chosen, options, stream)
				: renderer.write(executionId, chosen, options, text);
		if (written == null) {
			throw notFound("no job execution " + executionId);
		}
		text.flush();
		// CSV is a bare table; JSON and HTML state the invariant inside. Every export
		// says it here too.
		err().println((written.invariantHolds() ? "" : "WARNING: THE TOTALS DO NOT ADD UP: ")
				+ ReportHeadline.of(written) + "; " + written.invariant());
		purged(written);
	}

	/**
	 * A run without its per-person rows is still reported, exit code 0: the totals are
	 * its report. Stderr says why the rows are missing, so that an empty table is not
	 * read as a run without people.
	 */
	private void purged(RunSummary summary) {
		if (summary.purged() != null) {
			err().println("note: " + summary.purged().sentence());
		}
	}

}
