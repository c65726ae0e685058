package org.invitations.worker;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;

import org.invitations.delivery.Lane;

/**
 * The manager's side of a partitioned deliver step. With no worker alive the run's queue
 * is one partition, sent by this process as it always was. Otherwise it is cut into
 * {@code partitions-per-worker} partitions per live worker, queued for them, and watched
 * in the job repository until every one has ended: a partition whose worker's lease
 * lapsed is marked FAILED and LOST, its claims are taken back (only its in-doubt tail is
 * sent again) and a new execution of the same partition is queued for another worker,
 * within the same job execution; one whose worker stopped on request goes back the same
 * way, with nothing in doubt. A waiting partition when no worker is left is worked here.
 */
public final class WorkerPartitionHandler implements PartitionHandler {

	private static final Logger log = LoggerFactory.getLogger(WorkerPartitionHandler.class);

	private final Step partitionStep;

	private final JobRepository jobRepository;

	private final PartitionQueue queue;

	private final Leases leases;

	private final WorkerProperties settings;

	private final ClaimsTakenBack claims;

	/** Takes back claims before partitions start, and a lost partition's. */
	public interface ClaimsTakenBack {

		/** Those of earlier executions of the run, before any partition starts. */
		void earlierExecutions();

		/** Those of one partition whose worker was lost. */
		void ofPartition(long stepExecutionId);

	}

	public WorkerPartitionHandler(Step partitionStep, JobRepository jobRepository, PartitionQueue queue, Leases leases,
			WorkerProperties settings, ClaimsTakenBack claims) {
		this.partitionStep = partitionStep;
		this.jobRepository = jobRepository;
		this.queue = queue;
		this.leases = leases;
		this.settings = settings;
		this.claims = claims;
	}

	@Override
	public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution managerStep)
			throws Exception {
		awaitEarlierPartitions(managerStep);
		claims.earlierExecutions();
		int workers = leases.live();
		List<StepExecution> partitions = new ArrayList<>(
				splitter.split(managerStep, workers == 0 ? 1 : workers * settings.partitionsPerWorker()));
		partitions.sort(Comparator.comparingInt((StepExecution p) -> Lane.of(p).index()));
		if (workers == 0) {
			// As it always was: no queue, no polling.
			for (StepExecution partition : partitions) {
				partitionStep.execute(partition);
			}
			return partitions;
		}
		partitions.forEach(queue::offer);
		log.info("deliver: {} partitions queued for {} workers", partitions.size(), workers);
		while (true) {
			boolean running = false;
			for (int i = 0; i < partitions.size(); i++) {
				StepExecution partition = refreshed(partitions.get(i));
				partitions.set(i, partition);
				Optional<PartitionQueue.Partition> row = queue.get(partition.getId());
				if (row.isPresent() && "LEFT".equals(row.get().state()) && !partition.getStatus().isRunning()) {
					// Its worker stopped on request after recording all it had on its
					// way.
					partitions.set(i, again(partition, "its worker stopped on request"));
					running = true;
				}
				else if (partition.getStatus().isRunning()) {
					running = true;
					step(partitions, i, partition, row);
				}
			}
			if (!running) {
				return partitions;
			}
			Thread.sleep(settings.poll().toMillis());
		}
	}

	/**
	 * A restart after the run's own process died: workers may still be sending partitions
	 * of the execution that died, until they notice (see {@link DeliveryWorker}). Their
	 * claims are taken back only once they stopped, or once their lease lapsed;
	 * partitions that waited for a worker are simply dropped.
	 */
	private void awaitEarlierPartitions(StepExecution managerStep) throws InterruptedException {
		List<Long> earlier = jobRepository.getJobExecutions(managerStep.getJobExecution().getJobInstance())
			.stream()
			.map(execution -> execution.getId())
			.filter(id -> id != managerStep.getJobExecutionId())
			.toList();
		if (earlier.isEmpty()) {
			return;
		}
		long deadline = System.nanoTime() + settings.lease().multipliedBy(4).toNanos();
		for (List<PartitionQueue.Partition> left = queue.unfinished(earlier); !left.isEmpty(); left = queue
			.unfinished(earlier)) {
			for (PartitionQueue.Partition partition : left) {
				if ("WAITING".equals(partition.state())) {
					queue.ended(partition.stepExecutionId());
				}
				else if (partition.workerId() == null || leases.lapsed(partition.workerId())
						|| System.nanoTime() > deadline) {
					queue.lose(partition.stepExecutionId());
				}
			}
			if (!queue.unfinished(earlier).isEmpty()) {
				log.info("deliver: waiting for the workers still sending partitions of an earlier execution to stop");
				Thread.sleep(settings.poll().toMillis());
			}
		}
	}

	private void step(List<StepExecution> partitions, int i, StepExecution partition,
			Optional<PartitionQueue.Partition> row) throws Exception {
		if (row.isEmpty()) {
			return;
		}
		String state = row.get().state();
		String worker = row.get().workerId();
		if ("RUNNING".equals(state) && worker != null && leases.lapsed(worker)) {
			if (queue.lose(partition.getId()) && failed(partition, worker)) {
				claims.ofPartition(partition.getId());
				partitions.set(i, again(partition, "worker " + worker + " was lost"));
			}
		}
		else if ("WAITING".equals(state) && leases.live() == 0
				&& queue.take(partition.getId(), DeliveryWorker.PROCESS)) {
			log.warn("deliver: no worker is alive; this process sends partition {} itself", Lane.of(partition).index());
			partitionStep.execute(partition);
			queue.ended(partition.getId());
		}
	}

	/**
	 * Marks a lost worker's partition FAILED, as its worker would have had it stopped
	 * cleanly; false if it moved meanwhile (its worker was alive after all).
	 */
	private boolean failed(StepExecution partition, String worker) {
		partition.setStatus(BatchStatus.FAILED);
		partition.setExitStatus(ExitStatus.FAILED.addExitDescription("worker " + worker + " was lost: its lease"
				+ " lapsed; the partition was taken over by another execution"));
		partition.setEndTime(LocalDateTime.now());
		try {
			jobRepository.update(partition);
			return true;
		}
		catch (OptimisticLockingFailureException ex) {
			log.debug("Partition {} moved while its worker was taken to be lost", partition.getId());
			return false;
		}
	}

	/** A new execution of the same partition, queued for the workers. */
	private StepExecution again(StepExecution previous, String why) {
		StepExecution next = jobRepository.createStepExecution(previous.getStepName(), previous.getJobExecution());
		Lane share = Lane.of(previous);
		next.getExecutionContext().putInt(Lane.INDEX, share.index());
		next.getExecutionContext().putInt(Lane.COUNT, share.count());
		jobRepository.updateExecutionContext(next);
		queue.offer(next);
		Lane lane = Lane.of(next);
		log.warn("deliver: partition {} of {} is queued again ({}): execution {} goes on from where {} ended",
				lane.index(), lane.count(), why, next.getId(), previous.getId());
		return next;
	}

	private StepExecution refreshed(StepExecution partition) {
		StepExecution now = jobRepository.getStepExecution(partition.getJobExecutionId(), partition.getId());
		return now == null ? partition : now;
	}

}
