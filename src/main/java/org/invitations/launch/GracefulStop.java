package org.invitations.launch;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import org.invitations.run.ExecutionOwnership;

/**
 * Turns SIGTERM and SIGINT into Spring Batch's own stop of the jobs this process runs: no
 * further chunk is claimed, the messages on their way are finished and recorded, the
 * execution ends STOPPED and a run of the same spec continues it. The JVM's default (run
 * the shutdown hooks and exit at once) would leave the execution STARTED with up to three
 * chunks in doubt. A second signal, or a stop that takes longer than
 * {@code invitations.stop-timeout}, ends the process at once; the next run then recovers
 * it like a crash. A server ({@code serve}) takes the signal itself instead
 * ({@link #onSignal}) and stops its runs with {@link #stopAll}.
 */
@Component
public class GracefulStop implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

	/** The stopper of the running application, if it has started. */
	private static final AtomicReference<GracefulStop> current = new AtomicReference<>();

	private static final AtomicInteger signals = new AtomicInteger();

	private static volatile int exitCode = 3;

	/**
	 * A long-running process (serve) that shuts itself down on a signal, given the
	 * signal's name.
	 */
	private static volatile Consumer<String> shutdown;

	private final JobOperator jobOperator;

	private final ExecutionOwnership ownership;

	private final JobRepository jobRepository;

	private final Duration timeout;

	public GracefulStop(JobOperator jobOperator, JobRepository jobRepository, ExecutionOwnership ownership,
			StopSettings settings) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.ownership = ownership;
		this.timeout = settings.stopTimeout();
		current.set(this);
	}

	/**
	 * Handles SIGTERM and SIGINT from now on.
	 * @param stoppedExitCode the exit code of a process that stopped on request
	 */
	public static void installSignalHandlers(int stoppedExitCode) {
		exitCode = stoppedExitCode;
		for (String name : List.of("TERM", "INT")) {
			try {
				Signal.handle(new Signal(name), GracefulStop::signalled);
			}
			catch (IllegalArgumentException ex) {
				// Not a signal of this platform, or reserved by the JVM: its default
				// stays.
			}
		}
	}

	/**
	 * From now on the first SIGTERM or SIGINT is handed to {@code handler} (on a thread
	 * of its own) instead of stopping the process: a server shuts down in its own order
	 * (see {@link #stopAll}). A second one still ends the process at once.
	 */
	public static void onSignal(Consumer<String> handler) {
		shutdown = handler;
	}

	private static void signalled(Signal signal) {
		int n = signals.incrementAndGet();
		GracefulStop stop = current.get();
		List<JobExecution> running = stop == null ? List.of() : stop.ownership.runningHere();
		if (n > 1) {
			System.err.println("stopping now (second SIG" + signal.getName()
					+ "); the next run of the same spec recovers" + " what was on its way");
			Runtime.getRuntime().halt(exitCode);
		}
		Consumer<String> server = shutdown;
		if (server != null) {
			new Thread(() -> server.accept("SIG" + signal.getName()), "shutdown").start();
			return;
		}
		if (running.isEmpty()) {
			// No job under way: nothing to finish or record.
			System.err.println("stopped on request (SIG" + signal.getName() + ") before any job ran");
			new Thread(() -> System.exit(exitCode), "stop").start();
			return;
		}
		stop.stop(running, "SIG" + signal.getName());
	}

	private void stop(List<JobExecution> running, String why) {
		log.warn("Stop requested ({}): finishing the messages on their way and recording them, at most {}s; a second"
				+ " signal stops at once", why, timeout.toSeconds());
		for (JobExecution execution : running) {
			try {
				jobOperator.stop(execution);
			}
			catch (Exception ex) {
				// It ended meanwhile, or its steps could not be told directly: they see
				// STOPPING at the next chunk.
				log.debug("Stopping execution {}: {}", execution.getId(), ex.toString());
			}
		}
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(timeout.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			System.err
				.println("did not stop within " + timeout.toSeconds() + "s (invitations.stop-timeout): stopping now;"
						+ " the next run of the same spec recovers what was on its way");
			Runtime.getRuntime().halt(exitCode);
		}, "stop-timeout");
		watchdog.setDaemon(true);
		watchdog.start();
	}

	/**
	 * What came of {@link #stopAll}.
	 *
	 * @param ended the executions that were running here and have ended, with how they
	 * ended, in start order
	 * @param stillRunning those still running when the stop timeout passed
	 */
	public record Stopped(Map<Long, BatchStatus> ended, List<Long> stillRunning) {

		/**
		 * Whether every run ended STOPPED at a safe point (or completed meanwhile), so
		 * that nothing is in doubt.
		 */
		public boolean clean() {
			return stillRunning.isEmpty() && ended.values()
				.stream()
				.allMatch(status -> status == BatchStatus.STOPPED || status == BatchStatus.COMPLETED);
		}

	}

	/**
	 * The server's stop: asks every job running in this process to stop at its next safe
	 * point (the end of the chunk under way, as on a signal to {@code run}) and waits
	 * until they have ended, at most {@code invitations.stop-timeout}.
	 */
	public Stopped stopAll(String why) throws Exception {
		List<JobExecution> running = ownership.runningHere();
		if (running.isEmpty()) {
			return new Stopped(Map.of(), List.of());
		}
		log.warn("Stop requested ({}): stopping {} run(s) at the next chunk, at most {}s", why, running.size(),
				timeout.toSeconds());
		for (JobExecution execution : running) {
			try {
				jobOperator.stop(execution);
			}
			catch (Exception ex) {
				// Its steps could not be told directly: STOPPING in the job repository
				// reaches them at the next chunk.
				log.debug("Stopping execution {}: {}", execution.getId(), ex.toString());
				request(execution.getId());
			}
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<Long, BatchStatus> ended = new LinkedHashMap<>();
		while (true) {
			List<Long> here = ownership.runningHere().stream().map(JobExecution::getId).toList();
			for (JobExecution execution : running) {
				if (!ended.containsKey(execution.getId()) && !here.contains(execution.getId())
						&& !execution.isRunning()) {
					// Ended once its end is recorded too: the database is closed after
					// this.
					JobExecution stored = jobRepository.getJobExecution(execution.getId());
					if (stored != null && stored.getEndTime() != null) {
						ended.put(execution.getId(), stored.getStatus());
					}
				}
			}
			List<Long> left = running.stream().map(JobExecution::getId).filter(id -> !ended.containsKey(id)).toList();
			if (left.isEmpty() || System.nanoTime() > deadline) {
				return new Stopped(ended, left);
			}
			Thread.sleep(50);
		}
	}

	/** What came of a stop asked for through the job repository. */
	public enum Request {

		/** The execution is now STOPPING; its process stops it at its next chunk. */
		STOPPING,
		/** It is not running: it ended, or was never started. */
		NOT_RUNNING,
		/**
		 * It is marked running but its process is gone; the next run of its spec recovers
		 * it.
		 */
		PROCESS_GONE

	}

	/**
	 * Asks an execution, run by any process on any host, to stop: Spring Batch marks it
	 * STOPPING in the job repository, and its process notices when it next updates it, at
	 * the end of the chunk under way.
	 */
	public Request request(long executionId) throws Exception {
		JobExecution execution = jobRepository.getJobExecution(executionId);
		if (execution == null || !execution.isRunning() || execution.isStopping()) {
			return execution != null && execution.isStopping() ? Request.STOPPING : Request.NOT_RUNNING;
		}
		if (ownership.goneBecause(executionId).isPresent()) {
			return Request.PROCESS_GONE;
		}
		// What JobOperator.stop does first, and all that a run in another process needs:
		// it reads STOPPING from the job
		// repository at its next chunk. JobOperator.stop then looks up the running step
		// to stop a tasklet of it, in the
		// same transaction; this job's steps are job-scoped and do not exist outside
		// their execution, so that look-up
		// fails here once the job is registered, and takes the saved status back with it.
		execution.setStatus(BatchStatus.STOPPING);
		jobRepository.update(execution);
		return Request.STOPPING;
	}

	/** The longest a stop on request may take. */
	public Duration timeout() {
		return timeout;
	}

	@Override
	public void destroy() {
		current.compareAndSet(this, null);
	}

}
