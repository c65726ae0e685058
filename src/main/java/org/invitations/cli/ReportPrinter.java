package org.invitations.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.invitations.report.ReportHeadline;
import org.invitations.report.ReportQueries;
import org.invitations.report.RowsPurged;
import org.invitations.report.RunRecords;
import org.invitations.report.RunSummary;
import org.invitations.report.VisibleText;
import org.invitations.report.ReportQueries.Execution;
import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.worker.PartitionView;

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

	/**
	 * The execution's headline and its run's totals; false if there is no such execution.
	 */
	boolean summary(long executionId) {
		Execution execution = queries.execution(executionId);
		if (execution == null) {
			return false;
		}
		String took = execution.start() != null && execution.end() != null
				? String.format(" in %.1fs", Duration.between(execution.start(), execution.end()).toMillis() / 1000.0)
				: "";
		out.printf("Run %s of '%s'%s: execution %d %s%s%n", execution.run(), execution.specName(),
				execution.dryRun() ? " (dry run)" : "", execution.id(), execution.status(), took);
		if (execution.exitMessage() != null && !execution.exitMessage().isBlank()
				&& !"COMPLETED".equals(execution.status())) {
			out.println("  " + safe(execution.exitMessage().lines().findFirst().orElse("")));
		}
		totals(queries.summary(execution.instanceId()));
		return true;
	}

	private void totals(List<OutcomeCount> counts) {
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
	}

	/**
	 * The report command's header: the summary, whether it adds up, who launched it, what
	 * to do next.
	 */
	void summary(RunSummary summary) {
		Execution execution = summary.execution();
		out.println(ReportHeadline.of(summary));
		if (execution.exitMessage() != null && !execution.exitMessage().isBlank()
				&& !"COMPLETED".equals(execution.status())) {
			out.println("  " + safe(execution.exitMessage().lines().findFirst().orElse("")));
		}
		if (summary.isExpiry()) {
			summary.outcomes()
				.stream()
				.filter(o -> o.outcome().equals("EXPIRED"))
				.forEach(o -> o.reasons().forEach((spec, n) -> out.printf("  %-30s %10d%n", safe(spec), n)));
			List<OutcomeCount> reminders = summary.outcomes()
				.stream()
				.filter(o -> !o.outcome().equals("EXPIRED"))
				.toList();
			if (!reminders.isEmpty()) {
				out.println("Reminders:");
				totals(reminders);
			}
		}
		else {
			totals(summary.outcomes());
		}
		notes(summary);
		if (!summary.nextSteps().isEmpty()) {
			out.println("What to do next:");
			for (RunSummary.NextStep step : summary.nextSteps()) {
				out.printf("  %s%s (%d): %s%n", step.outcome(), step.reason() == null ? "" : " " + step.reason(),
						step.count(), step.advice());
			}
		}
	}

	/**
	 * The invariant (loudly when it fails), who launched the execution, and its
	 * notifications.
	 */
	void notes(RunSummary summary) {
		out.println((summary.invariantHolds() ? "  " : "  WARNING: THE TOTALS DO NOT ADD UP: ") + summary.invariant());
		if (summary.launchedBy() != null) {
			out.println("  launched by " + safe(summary.launchedBy()));
		}
		for (RunRecords.Notification n : summary.notifications()) {
			out.printf("  notification %s to %s: %s%s%n", n.channel().toLowerCase(java.util.Locale.ROOT),
					safe(n.target()), n.status(), n.detail() == null ? "" : " (" + safe(n.detail()) + ")");
		}
	}

	void executions(int limit) {
		out.printf("%-10s %-14s %-20s %-5s %-9s %-10s %-20s %s%n", "EXECUTION", "JOB", "SPEC", "RUN", "DRY-RUN",
				"STATUS", "STARTED", "ENDED");
		for (Execution e : queries.recent(limit)) {
			out.printf("%-10d %-14s %-20s %-5s %-9s %-10s %-20s %s%n", e.id(), e.job(), e.specName(), e.run(),
					e.dryRun() ? "yes" : "", e.status(), e.start() == null ? "" : TIME.format(e.start()),
					e.end() == null ? "" : TIME.format(e.end()));
		}
	}

	/** Wide enough for {@code deliver:partition12} and more. */
	void steps(long executionId) {
		out.printf("  %-22s %-10s %8s %8s %8s %8s %8s%n", "STEP", "STATUS", "READ", "WRITTEN", "FILTERED", "COMMITS",
				"ROLLBACKS");
		for (ReportQueries.StepCounts step : queries.steps(executionId)) {
			out.printf("  %-22s %-10s %8d %8d %8d %8d %8d%n", step.name(), step.status(), step.read(), step.write(),
					step.filter(), step.commit(), step.rollback());
		}
	}

	/**
	 * Who sends each share of the deliver step, how far it got and how fast; nothing for
	 * a run without partitions. The host is last, as free text ({@code this process} for
	 * the run's own, {@code -} while a partition waits for a worker).
	 */
	void partitions(List<PartitionView.Partition> partitions) {
		if (partitions.isEmpty()) {
			return;
		}
		out.printf("  %-10s %-10s %10s %10s %10s  %s%n", "PARTITION", "STATE", "STEP-EXEC", "WRITTEN", "RATE/S",
				"WORKER HOST");
		for (PartitionView.Partition p : partitions) {
			out.printf(Locale.ROOT, "  %-10s %-10s %10d %10d %10.1f  %s%n", p.share(), p.state(), p.stepExecutionId(),
					p.written(), p.rate(), p.host() == null ? "-" : safe(p.host()));
		}
	}

	void items(long executionId, String outcome) {
		out.println();
		out.printf("%-7s %-40s %-24s %-10s %-20s %s%n", "LINE", "EMAIL", "NAME", "OUTCOME", "REASON", "DETAIL");
		long instance = queries.execution(executionId).instanceId();
		RowsPurged purged = queries.purged(instance);
		if (purged != null) {
			out.println("(none: " + purged.sentence() + ")");
			return;
		}
		queries.items(instance, outcome,
				row -> out.printf("%-7s %-40s %-24s %-10s %-20s %s%n",
						row.line() != null ? row.line() : "#" + row.item(), safe(row.email()),
						safe(((row.firstName() == null ? "" : row.firstName()) + " "
								+ (row.lastName() == null ? "" : row.lastName()))
							.strip()),
						row.outcome(), row.reason() == null ? "" : row.reason(), safe(row.detail())));
	}

	private static String safe(String text) {
		return VisibleText.safe(text);
	}

	private static String cell(String text) {
		return VisibleText.cell(text);
	}

}
