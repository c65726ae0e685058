package org.invitations.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

import org.invitations.launch.ExpiryLauncher;
import org.invitations.run.ExpiryCounts;
import org.invitations.spec.ExpirySpec;
import org.invitations.spec.SpecLoader;

/**
 * {@code expire [SPEC]}: runs the expiry job, the same as {@code run jobs/expire.yml}.
 */
@Command(name = "expire", mixinStandardHelpOptions = true,
		description = { "Records the invitations that expired since the last run (each link stopped working",
				"when its time passed): their history and events, in set-based batches;",
				"with a spec, also purges old token hashes. Safe to run twice: the second run finds nothing." })
class ExpireCommand extends Subcommand implements Callable<Integer> {

	@Parameters(paramLabel = "SPEC", arity = "0..1", description = "an expiry spec (job: expire), e.g. jobs/expire.yml")
	Path specFile;

	@Option(names = "--batch-size", defaultValue = "10000",
			description = "invitations per statement (default ${DEFAULT-VALUE})")
	int batchSize;

	@Override
	public Integer call() throws Exception {
		ExpirySpec spec = specFile != null ? new SpecLoader().loadExpiry(specFile)
				: new ExpirySpec(Path.of("expire"), "expire", batchSize, null);
		return expire(this, spec);
	}

	static int expire(Subcommand caller, ExpirySpec spec) throws Exception {
		ExpiryLauncher launcher = caller.bean(ExpiryLauncher.class);
		return caller.whileRunning(() -> expire(caller, spec, launcher));
	}

	private static int expire(Subcommand caller, ExpirySpec spec, ExpiryLauncher launcher) throws Exception {
		JobExecution execution = launcher.run(spec);
		var out = caller.out();
		Map<String, Long> bySpec = ExpiryCounts.expiredBySpec(execution);
		long total = bySpec.values().stream().mapToLong(Long::longValue).sum();
		out.printf("Expiry '%s': execution %d %s; %d invitations expired%n", spec.name(), execution.getId(),
				execution.getStatus(), total);
		bySpec.forEach((name, n) -> out.printf("  %-30s %10d%n", name, n));
		Map<String, Long> reminded = ExpiryCounts.remindedByOutcome(execution);
		if (spec.remind() != null) {
			out.printf("  reminders: %d sent%s%n", reminded.getOrDefault("SENT", 0L),
					reminded.entrySet()
						.stream()
						.filter(e -> !e.getKey().equals("SENT"))
						.map(e -> ", " + e.getValue() + " " + e.getKey())
						.collect(java.util.stream.Collectors.joining()));
		}
		execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals("purge") && step.getWriteCount() > 0)
			.forEach(step -> out.printf("  token hashes purged: %d%n", step.getWriteCount()));
		if (execution.getStatus() == BatchStatus.STOPPED) {
			caller.err().println("stopped on request; run the same spec again to continue");
			return InvitationsCommand.STOPPED;
		}
		if (execution.getStatus() != BatchStatus.COMPLETED) {
			// Expiry sends nothing today; should it ever, a pause is mapped as for every
			// job that sends.
			Integer paused = Paused.exitCode(caller, execution, "run the same spec again later to go on");
			if (paused != null) {
				return paused;
			}
			caller.printFailures(execution);
			return InvitationsCommand.JOB_FAILED;
		}
		return 0;
	}

}
