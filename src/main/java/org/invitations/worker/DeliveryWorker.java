package org.invitations.worker;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.JobSynchronizationManager;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.invitations.delivery.Lane;
import org.invitations.run.ExecutionOwnership;

/**
 * A worker: holds a lease by its heartbeat, takes partitions of deliver steps from the
 * queue one at a time, and runs them with this process's own mail settings (its relay,
 * credentials and connections). A worker that cannot renew its lease stops sending at
 * once, since its partition may be taken over. Stopped on request, it finishes and
 * records the chunk on its way, and its partition goes back to the queue for another
 * worker, with nothing in doubt.
 */
public final class DeliveryWorker {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

	/** This process, as the partition queue names who runs a partition. */
	public static final String PROCESS = host() + ":" + ProcessHandle.current().pid() + ":"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final Step partitionStep;

	private final JobRepository jobRepository;

	private final PartitionQueue queue;

	private final Leases leases;

	private final WorkerProperties settings;

	private final ExecutionOwnership ownership;

	private final String smtp;

	private final int connections;

	private final Counter partitionsRun;

	private volatile boolean stopping;

	/** Set when the lease lapsed: taken again before the next partition. */
	private volatile boolean lost;

	private volatile @Nullable StepExecution current;

	private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "worker-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * @param smtp where this worker sends, for the console (host:port)
	 * @param connections how many connections it opens per partition
	 */
	public DeliveryWorker(Step partitionStep, JobRepository jobRepository, PartitionQueue queue, Leases leases,
			WorkerProperties settings, ExecutionOwnership ownership, String smtp, int connections,
			MeterRegistry meters) {
		this.ownership = ownership;
		this.partitionStep = partitionStep;
		this.jobRepository = jobRepository;
		this.queue = queue;
		this.leases = leases;
		this.settings = settings;
		this.smtp = smtp;
		this.connections = connections;
		this.partitionsRun = Counter.builder("invitations.worker.partitions")
			.description("Partitions of deliver steps this worker ran")
			.register(meters);
		meters.gauge("invitations.worker.running", this, w -> w.current == null ? 0 : 1);
	}

	/** Takes and runs partitions until {@link #stop()}; returns once stopped. */
	public void run() throws InterruptedException {
		leases.take(PROCESS, host(), ProcessHandle.current().pid(), smtp, connections);
		long beat = settings.heartbeat().toMillis();
		heartbeat.scheduleAtFixedRate(this::renew, beat, beat, TimeUnit.MILLISECONDS);
		log.info("worker {} is taking partitions (lease {}s, sending through {} with {} connections)", PROCESS,
				settings.lease().toSeconds(), smtp, connections);
		try {
			while (!stopping) {
				if (lost) {
					lost = false;
					leases.take(PROCESS, host(), ProcessHandle.current().pid(), smtp, connections);
				}
				Optional<PartitionQueue.Partition> next = queue.take(PROCESS);
				if (next.isEmpty()) {
					Thread.sleep(settings.poll().toMillis());
					continue;
				}
				runPartition(next.get());
			}
		}
		finally {
			heartbeat.shutdownNow();
			leases.release(PROCESS);
			log.info("worker {} stopped after {} partitions", PROCESS, (long) partitionsRun.count());
		}
	}

	private void runPartition(PartitionQueue.Partition taken) {
		JobExecution job = jobRepository.getJobExecution(taken.jobExecutionId());
		StepExecution partition = jobRepository.getStepExecution(taken.jobExecutionId(), taken.stepExecutionId());
		if (job == null || partition == null || !partition.getStatus().isRunning()) {
			queue.ended(taken.stepExecutionId());
			return;
		}
		Lane lane = Lane.of(partition);
		log.info("worker {}: partition {} of {} of run execution {} (step execution {})", PROCESS, lane.index(),
				lane.count(), job.getId(), partition.getId());
		current = partition;
		JobSynchronizationManager.register(partition.getJobExecution());
		try {
			partitionStep.execute(partition);
		}
		catch (Exception ex) {
			log.error("worker {}: partition {} ended with {}", PROCESS, partition.getId(), ex.toString());
		}
		finally {
			JobSynchronizationManager.close();
			current = null;
			partitionsRun.increment();
		}
		if (partition.getStatus() == BatchStatus.STOPPED && stopping) {
			// Not the run's stop but this worker's: the partition goes back to the queue.
			queue.left(partition.getId());
		}
		else {
			queue.ended(partition.getId());
		}
		log.info("worker {}: partition {} of {} ended {} ({} written)", PROCESS, lane.index(), lane.count(),
				partition.getStatus(), partition.getWriteCount());
	}

	/**
	 * Stops taking partitions; the one running finishes the chunk on its way, records it
	 * and stops, and goes back to the queue.
	 */
	public void stop() {
		stopping = true;
		try {
			leases.stopping(PROCESS);
		}
		catch (RuntimeException ex) {
			log.debug("Could not say this worker is stopping: {}", ex.toString());
		}
		StepExecution running = current;
		if (running != null) {
			running.setTerminateOnly();
		}
	}

	private void renew() {
		try {
			if (!leases.renew(PROCESS)) {
				lapsed("its lease lapsed (no heartbeat within " + settings.lease().toSeconds() + "s)");
			}
			StepExecution running = current;
			if (running != null && !running.isTerminateOnly()) {
				// The run's own process died: nothing would ever end its select step or
				// collect this partition; the restart of the run sends what is left.
				ownership.goneBecause(running.getJobExecutionId()).ifPresent(why -> {
					log.warn("worker {}: the run of partition {} has no process any more ({}); the partition stops,"
							+ " and the run's restart sends what is left", PROCESS, running.getId(), why);
					running.setTerminateOnly();
				});
			}
		}
		catch (RuntimeException ex) {
			log.warn("worker {}: heartbeat failed: {}", PROCESS, ex.getMessage());
		}
	}

	/** A lapsed lease: the partition may be another's by now, so nothing more is sent. */
	private void lapsed(String why) {
		StepExecution running = current;
		if (running != null) {
			log.error("worker {}: {}; partition {} stops sending, another worker takes it over", PROCESS, why,
					running.getId());
			running.setTerminateOnly();
		}
		lost = true;
	}

	private static String host() {
		return ExecutionOwnership.host();
	}

}
