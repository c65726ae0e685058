package org.invitations.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

import org.invitations.launch.GracefulStop;
import org.invitations.worker.DeliveryWorker;

/**
 * {@code worker}: takes partitions of the runs' deliver steps from the shared database
 * and sends them with this process's own mail settings, until stopped. SIGTERM finishes
 * and records the chunk on its way; its partition goes back to the other workers.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
		description = { "Takes partitions of runs from the shared database and sends them, until stopped.",
				"Each worker may send through its own mail server (spring.mail.*, invitations.mail.connections).",
				"A run started while workers are alive is cut into invitations.workers.partitions-per-worker",
				"partitions per worker; with none alive, run sends everything itself. SIGTERM or SIGINT: the chunk",
				"on its way is finished and recorded, the partition goes back to the other workers; exit 0." })
class WorkerCommand extends Subcommand implements Callable<Integer> {

	@Override
	public Integer call() throws Exception {
		DeliveryWorker worker = bean(DeliveryWorker.class);
		GracefulStop.onSignal(signal -> {
			err().println("stopping on request (" + signal + "): the partition under way records what is on its way"
					+ " and goes back to the other workers");
			err().flush();
			worker.stop();
		});
		err().println("worker " + DeliveryWorker.PROCESS + " started");
		err().flush();
		worker.run();
		err().println("worker " + DeliveryWorker.PROCESS + " stopped");
		return 0;
	}

}
