package org.invitations.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.report.ReportQueries;
import org.invitations.worker.PartitionView;

/**
 * {@code status [EXECUTION]}: recent runs, or one execution with its steps, its deliver
 * step's partitions (who sends each share) and totals.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
		description = "Lists recent job executions, or shows one with its step counters, its partitions and outcome totals.")
class StatusCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "EXECUTION", arity = "0..1", description = "a job execution id")
	Long executionId;

	@Option(names = "--limit", defaultValue = "20",
			description = "how many recent executions to list (default ${DEFAULT-VALUE})")
	int limit;

	@Override
	public Integer call() {
		ReportPrinter printer = new ReportPrinter(out(), bean(ReportQueries.class));
		if (executionId == null) {
			printer.executions(limit);
			return 0;
		}
		if (!printer.summary(executionId)) {
			throw notFound("no job execution " + executionId);
		}
		printer.notes(bean(org.invitations.report.RunSummaries.class).of(executionId));
		printer.steps(executionId);
		printer.partitions(bean(PartitionView.class).of(executionId));
		return 0;
	}

}
