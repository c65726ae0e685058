package org.invitations.launch;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

import org.invitations.guard.RecipientGuard;
import org.invitations.resend.ResendFilter;
import org.invitations.run.JobParameterNames;
import org.invitations.run.LaunchedBy;
import org.invitations.spec.JobSpec;

/**
 * Runs that a long-running process (the console, the API) starts and does not wait for:
 * each runs on a thread of its own through {@link InvitationLauncher}, with the same spec
 * lock, restart and crash recovery as {@code run}. The caller gets the new execution's id
 * as soon as the job repository has it.
 */
@Service
public class BackgroundLaunches implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(BackgroundLaunches.class);

	/**
	 * Checking the input and taking the lock come first; a launch that has no execution
	 * by then is stuck.
	 */
	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final InvitationLauncher launcher;

	private final RunHistory history;

	private final ExecutionEvents events;

	private final RecipientGuard guard;

	private volatile @Nullable ExecutorService executor;

	public BackgroundLaunches(InvitationLauncher launcher, RunHistory history, ExecutionEvents events,
			RecipientGuard guard) {
		this.launcher = launcher;
		this.history = history;
		this.events = events;
		this.guard = guard;
	}

	/** What a launch does once it is on its own thread. */
	@FunctionalInterface
	private interface Launch {

		org.springframework.batch.core.job.JobExecution call() throws Exception;

	}

	/**
	 * Starts (or restarts, as {@code run} does) a run of the spec and records who did.
	 * @return the execution's id
	 * @throws org.invitations.spec.SpecException when the spec, its input or its
	 * unfinished run refuses it
	 */
	public long run(JobSpec spec, boolean dryRun, String actor) throws Exception {
		return start(spec.name(), dryRun, () -> launcher.run(spec, dryRun, false), "LAUNCHED", actor,
				dryRun ? "dry run" : "run");
	}

	/**
	 * Starts the real run of a spec after its dry run, with the dry run's number
	 * confirmed as {@code run --confirm N} does: the guard lets it send only if it still
	 * would send exactly that, and holds it before anything is sent otherwise (also over
	 * the spec's {@code max-recipients}).
	 */
	public long runConfirmed(JobSpec spec, long confirmedCount, String actor) throws Exception {
		return start(spec.name(), false, () -> {
			try (AutoCloseable confirmed = guard.confirm(spec.name(), confirmedCount)) {
				return launcher.run(spec, false, false);
			}
		}, "LAUNCHED", actor, "run, " + confirmedCount + " confirmed after the dry run");
	}

	/**
	 * Starts a resend run of the spec's invitations that match the filter, and records
	 * who did. The real run after a dry run names the dry run's number: the run sends
	 * only if it still would send exactly that many, and is held before sending anything
	 * otherwise.
	 * @param confirmedCount the number confirmed after the dry run, or {@code null} for a
	 * dry run
	 */
	public long resend(JobSpec spec, ResendFilter filter, boolean dryRun, @Nullable Long confirmedCount, String actor)
			throws Exception {
		return start(spec.name(), dryRun, () -> {
			try (AutoCloseable confirmed = guard.confirm(spec.name(), confirmedCount)) {
				return launcher.resend(spec, filter, dryRun);
			}
		}, "RESEND_LAUNCHED", actor, (dryRun ? "dry run of " : "") + filter.describe()
				+ (confirmedCount == null ? "" : ", " + confirmedCount + " confirmed"));
	}

	/**
	 * Continues exactly the run of that execution ({@link InvitationLauncher#restart}),
	 * and records who did.
	 * @return the new execution's id
	 */
	public long restart(long executionId, String actor) throws Exception {
		return restart(executionId, null, actor);
	}

	/**
	 * Continues a run held before sending (over {@code max-recipients}, or not the number
	 * confirmed) with the number it would send confirmed: it sends only if that is still
	 * exactly what it would send.
	 * @param confirmedCount the confirmed number, or {@code null} for a plain restart
	 */
	public long restart(long executionId, @Nullable Long confirmedCount, String actor) throws Exception {
		Map<String, String> parameters = history.parameters(executionId);
		String spec = parameters.get(JobParameterNames.SPEC_NAME);
		if (spec == null) {
			throw new IllegalArgumentException("execution " + executionId + " is no run of a spec");
		}
		return start(spec, Boolean.parseBoolean(parameters.get(JobParameterNames.DRY_RUN)), () -> {
			try (AutoCloseable confirmed = guard.confirm(spec, confirmedCount)) {
				return launcher.restart(executionId);
			}
		}, "RESTARTED", actor,
				"from execution " + executionId + (confirmedCount == null ? "" : ", " + confirmedCount + " confirmed"));
	}

	private long start(String spec, boolean dryRun, Launch launch, String type, String actor, String detail)
			throws Exception {
		RunHistory.LastExecution before = history.last(spec, dryRun);
		long previous = before == null ? 0 : before.executionId();
		Future<?> running = executor().submit(() -> {
			try {
				return LaunchedBy.as(actor, launch::call);
			}
			catch (Exception ex) {
				log.warn("Run of '{}' launched by {} ended: {}", spec, actor, ex.getMessage());
				throw ex;
			}
		});
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			RunHistory.LastExecution last = history.last(spec, dryRun);
			if (last != null && last.executionId() > previous) {
				events.record(last.executionId(), type, actor, detail);
				return last.executionId();
			}
			if (running.isDone()) {
				try {
					running.get();
				}
				catch (ExecutionException ex) {
					throw ex.getCause() instanceof Exception cause ? cause : ex;
				}
				// Restarted an existing execution: Spring Batch gave it a new execution
				// id, seen above unless it
				// finished in between.
				last = history.last(spec, dryRun);
				if (last != null && last.executionId() > previous) {
					events.record(last.executionId(), type, actor, detail);
					return last.executionId();
				}
				throw new IllegalStateException("the run of '" + spec + "' ended without an execution");
			}
			Thread.sleep(25);
		}
		throw new IllegalStateException(
				"the run of '" + spec + "' did not start within " + START_TIMEOUT.toSeconds() + "s");
	}

	private ExecutorService executor() {
		if (executor == null) {
			synchronized (this) {
				if (executor == null) {
					java.util.concurrent.atomic.AtomicInteger threads = new java.util.concurrent.atomic.AtomicInteger();
					executor = Executors
						.newCachedThreadPool(task -> new Thread(task, "run-" + threads.incrementAndGet()));
				}
			}
		}
		return executor;
	}

	@Override
	public void destroy() {
		if (executor != null) {
			executor.shutdown();
		}
	}

}
