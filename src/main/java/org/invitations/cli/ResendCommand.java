package org.invitations.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import org.invitations.launch.InvitationLauncher;
import org.invitations.report.ReportQueries;
import org.invitations.resend.ResendFilter;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecLoader;

/**
 * {@code resend SPEC --status expired …}: a run that sends a spec's earlier invitations
 * again, with new links.
 */
@Command(name = "resend", mixinStandardHelpOptions = true,
		description = { "Resends earlier invitations of a spec: a new link each (the old one stops working), counted",
				"against the spec's resend limits, through the same delivery and report as a run.",
				"Filters combine: at least one is required." })
class ResendCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "SPEC",
			description = "the spec whose invitations to resend; its template and link are used")
	Path specFile;

	@Option(names = "--email", description = "one person's invitations")
	String email;

	@Option(names = "--invitation", paramLabel = "ID", description = "one invitation")
	Long invitation;

	@Option(names = "--execution", paramLabel = "ID", description = "the invitations made by that execution's run")
	Long execution;

	@Option(names = "--group", description = "the invitations of this group's members")
	String group;

	@Option(names = "--status", description = "pending (sent, unexpired, not accepted), expired, deferred or failed")
	String status;

	@Option(names = "--dry-run", description = "report what would be resent; change and send nothing")
	boolean dryRun;

	@Option(names = "--any-interval",
			description = "resend even sooner after the last send than the spec's resend.min-interval allows")
	boolean anyInterval;

	@Override
	public Integer call() throws Exception {
		ResendFilter filter;
		try {
			filter = new ResendFilter(email, invitation, execution, group, status, anyInterval);
		}
		catch (IllegalArgumentException ex) {
			throw usage(ex.getMessage());
		}
		JobSpec spec = new SpecLoader().load(specFile);
		InvitationLauncher launcher = bean(InvitationLauncher.class);
		return whileRunning(() -> resend(spec, filter, launcher));
	}

	private int resend(JobSpec spec, ResendFilter filter, InvitationLauncher launcher) throws Exception {
		JobExecution result = launcher.resend(spec, filter, dryRun);
		new ReportPrinter(out(), bean(ReportQueries.class)).summary(result.getId());
		out().println("Per-invitation report: invitations report " + result.getId());
		if (result.getStatus() == BatchStatus.STOPPED) {
			return RunCommand.stopped(this, result);
		}
		if (result.getStatus() != BatchStatus.COMPLETED) {
			Integer paused = Paused.exitCode(this, result, "run the same resend again later to go on");
			if (paused != null) {
				return paused;
			}
			printFailures(result);
			return InvitationsCommand.JOB_FAILED;
		}
		return 0;
	}

}
