package org.invitations.console;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import org.invitations.launch.ExpiryLauncher;
import org.invitations.run.BatchMetadata;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;
import org.invitations.run.LaunchedBy;
import org.invitations.report.ReportQueries;
import org.invitations.spec.ExpirySpec;
import org.invitations.spec.SpecLoader;

/**
 * Starts an expiry run from the console, or restarts a stopped or failed one from its Run
 * page, on a thread of its own, as {@code expire} with the same spec does (its lock, the
 * restart of the spec's last run): only the spec's last run, since that is the one
 * {@code expire} would continue.
 */
@Component
@ConditionalOnWebApplication
class ExpiryRestarts implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(ExpiryRestarts.class);

	private final ExpiryLauncher launcher;

	private final BatchMetadata metadata;

	private final ExecutorService executor = Executors
		.newSingleThreadExecutor(task -> new Thread(task, "expiry-restart"));

	ExpiryRestarts(ExpiryLauncher launcher, BatchMetadata metadata) {
		this.launcher = launcher;
		this.metadata = metadata;
	}

	/**
	 * @return the new execution's id
	 * @throws IllegalStateException when the execution is not the spec's last run, or not
	 * stopped or failed
	 */
	/**
	 * Starts a run of the expiry spec, on a thread of its own, as {@code expire SPEC}
	 * does (restarting its last run if that stopped or failed).
	 * @return its execution's id
	 */
	long launch(ExpirySpec spec, String actor) throws Exception {
		return await(spec, last(spec.name()), executor.submit(() -> LaunchedBy.as(actor, () -> {
			try {
				return launcher.run(spec);
			}
			catch (Exception ex) {
				log.warn("Expiry run of '{}' launched by {} ended: {}", spec.name(), actor, ex.getMessage());
				throw ex;
			}
		})));
	}

	long restart(ReportQueries.Execution execution, String actor) throws Exception {
		if (!List.of("STOPPED", "FAILED").contains(execution.status())) {
			throw new IllegalStateException("it is " + execution.status() + ": only a stopped or failed expiry run"
					+ " restarts (one whose process died is recovered by the next expire of its spec)");
		}
		String file = execution.parameters().get(JobParameterNames.SPEC_PATH);
		if (file == null) {
			throw new IllegalStateException("it does not say which spec file it ran");
		}
		ExpirySpec spec = new SpecLoader().loadExpiry(Path.of(file));
		if (last(spec.name()) != execution.id()) {
			throw new IllegalStateException("a later run of '" + spec.name() + "' exists: restart that one");
		}
		return await(spec, execution.id(), executor.submit(() -> LaunchedBy.as(actor, () -> {
			try {
				return launcher.run(spec);
			}
			catch (Exception ex) {
				log.warn("Restart of expiry run {} of '{}' ended: {}", execution.id(), spec.name(), ex.getMessage());
				throw ex;
			}
		})));
	}

	/** Waits until the spec has an execution after {@code previous}, and returns it. */
	private long await(ExpirySpec spec, long previous, Future<?> started) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (System.nanoTime() < deadline) {
			long last = last(spec.name());
			if (last > previous) {
				return last;
			}
			if (started.isDone()) {
				try {
					started.get();
				}
				catch (java.util.concurrent.ExecutionException ex) {
					throw new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
				}
				return last(spec.name());
			}
			Thread.sleep(25);
		}
		throw new IllegalStateException("the run did not begin within 30s");
	}

	private long last(String specName) {
		return metadata.latestExecution(List.of(JobNames.EXPIRY), specName, null)
			.map(BatchMetadata.ExecutionRow::id)
			.orElse(0L);
	}

	@Override
	public void destroy() {
		executor.shutdown();
	}

}
