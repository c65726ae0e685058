package org.invitations.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.report.ReportQueries;

/** {@code report EXECUTION}: the totals and one row per input item of that execution's run. */
@Command(name = "report", mixinStandardHelpOptions = true,
		description = { "Shows a run's report: totals by outcome and reason, then one row per input item",
				"(line, email, outcome, reason, detail). Rows cover every execution of the run." })
class ReportCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "EXECUTION", description = "a job execution id, as printed by run and status")
	long executionId;

	@Option(names = "--outcome", paramLabel = "OUTCOME",
			description = "only rows with this outcome: SENT, WOULD_SEND, QUEUED, DEFERRED, FAILED, SKIPPED, REJECTED")
	String outcome;

	@Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
			description = "text (aligned columns) or csv (RFC 4180, for spreadsheets)")
	String format;

	/** The outcomes a report row can have. */
	static final java.util.List<String> OUTCOMES = java.util.List.of("SENT", "WOULD_SEND", "QUEUED", "DEFERRED", "FAILED",
			"SKIPPED", "REJECTED");

	@Override
	public Integer call() {
		if (!format.equals("text") && !format.equals("csv")) {
			throw usage("--format '" + format + "' is not one of text, csv");
		}
		ReportPrinter printer = new ReportPrinter(out(), bean(ReportQueries.class));
		String only = outcome == null ? null : outcome.toUpperCase(Locale.ROOT);
		if (only != null && !OUTCOMES.contains(only)) {
			throw usage("--outcome '" + outcome + "' is not one of " + String.join(", ", OUTCOMES));
		}
		if (format.equals("csv")) {
			if (!printer.csv(executionId, only)) {
				throw notFound("no job execution " + executionId);
			}
			return 0;
		}
		if (!printer.summary(executionId)) {
			throw notFound("no job execution " + executionId);
		}
		printer.items(executionId, only);
		return 0;
	}

}
