package org.invitations.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import org.invitations.guard.RecipientGuard;
import org.invitations.guard.RecipientLimitExceededException;
import org.invitations.run.JobParameterNames;
import org.invitations.launch.InvitationLauncher;
import org.invitations.report.ReportQueries;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecLoader;
import org.invitations.smtp.MailGateway;

/**
 * {@code run SPEC}: runs a job spec, or restarts its unfinished run, and prints the
 * summary.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
		description = { "Runs a job spec: reads its people, filters them, queues and sends the emails.",
				"If the spec's last run failed and neither the spec nor its input changed, restarts that run." })
class RunCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "SPEC", description = "the job spec, e.g. jobs/demo.yml")
	Path specFile;

	@Option(names = "--dry-run",
			description = "read, validate and filter exactly as a real run; change nothing, issue no token, send nothing,"
					+ " and report WOULD_SEND per person")
	boolean dryRun;

	@Option(names = "--abandon-unfinished",
			description = "if the spec's last run is unfinished and its spec or input changed, give it up"
					+ " (cancelling what it queued) and start a new run")
	boolean abandonUnfinished;

	@Option(names = "--confirm", paramLabel = "N",
			description = "lets a run that would send more than its max-recipients go: N is the number of emails it"
					+ " would send, as the dry run (WOULD_SEND) or the refusal says it; any other number is refused")
	Long confirm;

	@Override
	public Integer call() throws Exception {
		SpecLoader loader = new SpecLoader();
		if (loader.isExpirySpec(specFile)) {
			return ExpireCommand.expire(this, loader.loadExpiry(specFile));
		}
		JobSpec spec = loader.load(specFile);
		RecipientGuard guard = bean(RecipientGuard.class);
		InvitationLauncher launcher = bean(InvitationLauncher.class);
		return whileRunning(() -> run(spec, guard, launcher));
	}

	private int run(JobSpec spec, RecipientGuard guard, InvitationLauncher launcher) throws Exception {
		JobExecution execution;
		try (AutoCloseable confirmed = guard.confirm(spec.name(), dryRun ? null : confirm)) {
			execution = launcher.run(spec, dryRun, abandonUnfinished);
		}
		ReportPrinter printer = new ReportPrinter(out(), bean(ReportQueries.class));
		printer.summary(execution.getId());
		RecipientLimitExceededException held = execution.getAllFailureExceptions()
			.stream()
			.map(failure -> Failures.find(failure, RecipientLimitExceededException.class))
			.filter(java.util.Objects::nonNull)
			.findFirst()
			.orElse(null);
		if (held != null) {
			err().println("error: " + held.getMessage());
			return InvitationsCommand.BAD_INPUT;
		}
		if (dryRun && guard.limit(spec) != null) {
			long wouldSend = count(bean(ReportQueries.class), execution.getJobInstanceId(), "WOULD_SEND");
			if (wouldSend > guard.limit(spec)) {
				out().println("WOULD_SEND " + wouldSend + " is more than max-recipients " + guard.limit(spec)
						+ ": the real run needs --confirm " + wouldSend);
			}
		}
		if (!dryRun) {
			out().println("Mail went to the " + bean(MailGateway.class).describe());
		}
		out().println("Per-person report: the report command, report " + execution.getId());
		if (execution.getStatus() == BatchStatus.STOPPED) {
			return stopped(this, execution);
		}
		if (execution.getStatus() != BatchStatus.COMPLETED) {
			Integer paused = Paused.exitCode(this, execution, "run the same spec again later to go on");
			if (paused != null) {
				return paused;
			}
			printFailures(execution);
			err().println("The run did not complete; run the same spec again to restart it.");
			return InvitationsCommand.JOB_FAILED;
		}
		return 0;
	}

	/**
	 * Says how far a run stopped on request got and how to go on; returns the exit code
	 * of a stop.
	 */
	static int stopped(Subcommand caller, JobExecution execution) {
		List<ReportQueries.OutcomeCount> summary = caller.bean(ReportQueries.class)
			.summary(execution.getJobInstanceId());
		long sent = summary.stream()
			.filter(o -> o.outcome().equals("SENT"))
			.mapToLong(ReportQueries.OutcomeCount::count)
			.sum();
		long done = summary.stream()
			.filter(o -> !o.outcome().equals("QUEUED"))
			.mapToLong(ReportQueries.OutcomeCount::count)
			.sum();
		long items = execution.getJobParameters().getLong(JobParameterNames.SOURCE_ITEMS, done);
		caller.err()
			.printf("stopped on request: %d sent, %d left queued; run the same spec again to continue%n", sent,
					Math.max(0, items - done));
		return InvitationsCommand.STOPPED;
	}

	private static long count(ReportQueries queries, long instanceId, String outcome) {
		return queries.summary(instanceId)
			.stream()
			.filter(c -> c.outcome().equals(outcome))
			.mapToLong(c -> c.count())
			.sum();
	}

}
