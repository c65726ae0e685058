package org.invitations.cli;

import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;

import org.springframework.batch.core.BatchStatus;

import org.invitations.console.ConsoleServer;
import org.invitations.launch.GracefulStop;
import org.invitations.worker.DeliveryWorker;
import org.invitations.worker.WorkerProperties;

/**
 * {@code serve}: the admin console and the HTTP API, a web application on the same
 * database as the command line. Runs launched from it run in this process, through the
 * same launcher as {@code run}. SIGTERM shuts it down as a web server: its runs stop at
 * their next safe point, the requests under way are answered, and it exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
		description = { "Starts the admin console and the HTTP API (default port 8080; --server.port=N to change it).",
				"Sign in with a user made by the users command. Runs launched from the console run in this process",
				"with the same locks, restart and crash recovery as the run command. SIGTERM stops them at their next",
				"chunk (STOPPED, restartable) and shuts down: exit 0." })
class ServeCommand extends Subcommand implements Callable<Integer> {

	@Override
	public Integer call() throws Exception {
		// The other commands are no web applications and start without a server; this one
		// is.
		root.overrideSpring("spring.main.web-application-type", "servlet");
		// The scheduled specs run in the long-lived process, from the folder the Specs
		// page lists, unless configured.
		root.defaultSpring("invitations.scheduler.enabled", "true");
		root.defaultSpring("invitations.scheduler.folder", "${invitations.console.jobs:jobs}");
		// The host application's events are sent from the long-lived process, when
		// configured.
		root.defaultSpring("invitations.events.dispatch", "true");
		ConsoleServer server = bean(ConsoleServer.class);
		GracefulStop.onSignal(server::signalled);
		err().println("Console at http://localhost:" + server.port() + "/ (API under /api/v1/)");
		DeliveryWorker worker = bean(WorkerProperties.class).enabled() ? startWorker() : null;
		String signal = server.awaitShutdown();
		if (worker != null) {
			worker.stop();
		}
		return signal == null ? 0 : shutDown(signal);
	}

	/**
	 * A worker beside the console (invitations.workers.enabled), on a thread of its own.
	 */
	private DeliveryWorker startWorker() {
		DeliveryWorker worker = bean(DeliveryWorker.class);
		Thread thread = new Thread(() -> {
			try {
				worker.run();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "worker");
		thread.setDaemon(true);
		thread.start();
		return worker;
	}

	/**
	 * Stops the runs of this process through Spring Batch's stop, then closes the
	 * application: Boot's graceful shutdown lets the requests under way finish before the
	 * server and the database pool go.
	 */
	private int shutDown(String signal) throws Exception {
		GracefulStop stop = bean(GracefulStop.class);
		GracefulStop.Stopped stopped = stop.stopAll(signal);
		if (!stopped.stillRunning().isEmpty()) {
			err().println("stopping now (" + signal + "): execution "
					+ stopped.stillRunning().stream().map(String::valueOf).collect(Collectors.joining(", "))
					+ " did not stop within " + stop.timeout().toSeconds()
					+ "s (invitations.stop-timeout); the next run of the same spec recovers what was on its way");
			err().flush();
			Runtime.getRuntime().halt(InvitationsCommand.STOPPED);
		}
		root.closeSpring();
		if (stopped.ended().isEmpty()) {
			err().println("shut down on request (" + signal + "): no run was going");
		}
		else {
			err().println("shut down on request (" + signal + "): "
					+ stopped.ended()
						.entrySet()
						.stream()
						.map(e -> "execution " + e.getKey() + " " + e.getValue())
						.collect(Collectors.joining(", "))
					+ (stopped.ended().containsValue(BatchStatus.STOPPED)
							? "; run the same spec again (or Restart on its Run page) to continue" : ""));
		}
		return stopped.clean() ? 0 : InvitationsCommand.JOB_FAILED;
	}

}
