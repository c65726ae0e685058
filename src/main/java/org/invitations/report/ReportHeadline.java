package org.invitations.report;

import java.time.Duration;

/**
 * The one line that names a run in every report:
 * {@code Run 1 of 'demo': execution 1 COMPLETED in 1.8s}.
 */
public final class ReportHeadline {

	private ReportHeadline() {
	}

	public static String of(RunSummary summary) {
		ReportQueries.Execution execution = summary.execution();
		Duration took = summary.duration();
		String name = summary.isExpiry() ? "Expiry '" + execution.specName() + "'" : "Run " + execution.run() + " of '"
				+ execution.specName() + "'" + (summary.kind().equals("resend") ? " (resend)" : "");
		return name + (execution.dryRun() ? " (dry run)" : "") + ": execution " + execution.id() + " "
				+ execution.status()
				+ (took == null ? "" : String.format(java.util.Locale.ROOT, " in %.1fs", took.toMillis() / 1000.0));
	}

}
