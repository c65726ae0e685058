package org.invitations.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import org.invitations.launch.GracefulStop;
import org.invitations.report.ReportQueries;

/**
 * {@code stop EXECUTION}: stops a running job from another terminal or host, as SIGTERM
 * does in its own.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
		description = {
				"Stops a running job execution, from any terminal or host: it claims no further chunk, finishes",
				"and records the messages on their way and ends STOPPED; run the same spec again to continue it.",
				"Waits until it has stopped." })
class StopCommand extends Subcommand implements Callable<Integer> {

	private static final List<String> RUNNING = List.of("STARTING", "STARTED", "STOPPING");

	@Parameters(paramLabel = "EXECUTION", description = "a job execution id (see the status command)")
	long executionId;

	@Override
	public Integer call() throws Exception {
		ReportQueries queries = bean(ReportQueries.class);
		ReportQueries.Execution execution = queries.execution(executionId);
		if (execution == null) {
			throw usage("no job execution " + executionId);
		}
		GracefulStop stop = bean(GracefulStop.class);
		switch (stop.request(executionId)) {
			case NOT_RUNNING ->
				throw usage("execution " + executionId + " is not running: it ended " + execution.status());
			case PROCESS_GONE -> {
				out().println("Execution " + executionId + " is marked " + execution.status()
						+ " but its process is gone;" + " the next run of its spec recovers and continues it.");
				return 0;
			}
			case STOPPING -> out().println("Stopping execution " + executionId + " at its next chunk ...");
		}
		// Its process finishes and records the messages on their way, for as long as its
		// own stop timeout allows.
		long deadline = System.nanoTime() + stop.timeout().plus(Duration.ofSeconds(30)).toNanos();
		String status = execution.status();
		while (RUNNING.contains(status) && System.nanoTime() < deadline) {
			Thread.sleep(200);
			status = queries.execution(executionId).status();
		}
		if (RUNNING.contains(status)) {
			out().println("Execution " + executionId + " is still " + status + "; follow it with: invitations status "
					+ executionId);
		}
		else {
			out().println("Execution " + executionId + " " + status
					+ (status.equals("STOPPED") ? "; run the same spec again to continue it." : "."));
		}
		return 0;
	}

}
