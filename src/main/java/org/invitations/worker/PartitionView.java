package org.invitations.worker;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

import org.invitations.delivery.Lane;

/**
 * What operators see of a run's partitions and of the workers: who sends which share of a
 * run, how far each got and how fast. The step executions are read through the job
 * repository; a partition with no queue row was sent by the run's own process, as every
 * run is when no worker is alive.
 */
@Component
public class PartitionView {

	/** Names the run's own process where a partition has no queue row. */
	public static final String THIS_PROCESS = "this process";

	private static final String PARTITION_STEP = "deliver:partition";

	private final JobRepository jobRepository;

	private final PartitionQueue queue;

	private final Leases leases;

	public PartitionView(JobRepository jobRepository, PartitionQueue queue, Leases leases) {
		this.jobRepository = jobRepository;
		this.queue = queue;
		this.leases = leases;
	}

	/**
	 * One execution of a partition.
	 *
	 * @param queued whether it was queued for the workers; if not, the run's own process
	 * sent it, as every run is sent when no worker is alive
	 * @param state the queue's state (WAITING, RUNNING, ENDED, LOST, LEFT), or the step
	 * execution's status when it was not queued
	 * @param worker the worker's id; null while it waits, and when it was not queued
	 * @param host where it runs or ran: its worker's host, {@value #THIS_PROCESS} when it
	 * was not queued, null while it waits for a worker
	 * @param written people settled so far (the step's write count)
	 * @param rate people settled a second, from its start to its last update or end
	 */
	public record Partition(long jobExecutionId, long stepExecutionId, int index, int count, boolean queued,
			String state, @Nullable String worker, @Nullable String host, String stepStatus, long written, double rate,
			@Nullable Instant started, @Nullable Instant ended) {

		/** {@code 3/8}: its share and how many shares the run's queue is cut into. */
		public String share() {
			return index + "/" + count;
		}

		/**
		 * Whether it sends now: its worker holds it, or the run's own process runs it.
		 */
		public boolean sending() {
			return queued ? state.equals("RUNNING") : BatchStatus.valueOf(stepStatus).isRunning();
		}

		/** Who sends it: its worker, or {@value #THIS_PROCESS}. */
		public String sender() {
			return worker == null ? THIS_PROCESS : worker;
		}

	}

	/**
	 * A worker as its lease shows it, with the partition it sends now, if any.
	 *
	 * @param state {@code alive}, {@code stopping} (takes no more partitions) or
	 * {@code lost} (no heartbeat within the lease)
	 * @param rate its partition's rate, 0 when it sends none
	 */
	public record Worker(String id, String host, long pid, @Nullable String smtp, int connections, Instant startedAt,
			Instant heartbeatAt, String state, @Nullable Partition partition, double rate) {
	}

	/**
	 * How a run is spread now.
	 *
	 * @param partitions how many shares its queue is cut into
	 * @param senders how many workers (or the run's own process) send a share now
	 * @param waiting how many shares wait for a worker
	 * @param ownProcess whether the run's own process sends a share without a queue row
	 */
	public record Spread(int partitions, int senders, int waiting, boolean ownProcess) {
	}

	/**
	 * The partitions of a job execution, by index, each execution of a partition taken
	 * over apart; empty for a run without a deliver step, or before it started.
	 */
	public List<Partition> of(long jobExecutionId) {
		JobExecution execution = jobRepository.getJobExecution(jobExecutionId);
		if (execution == null) {
			return List.of();
		}
		Map<Long, PartitionQueue.Partition> rows = queue.of(jobExecutionId)
			.stream()
			.collect(Collectors.toMap(PartitionQueue.Partition::stepExecutionId, Function.identity()));
		Map<String, Leases.Worker> workers = leases();
		return execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().startsWith(PARTITION_STEP))
			.map(step -> partition(step, Optional.ofNullable(rows.get(step.getId())), workers))
			.sorted(Comparator.comparingInt(Partition::index).thenComparingLong(Partition::stepExecutionId))
			.toList();
	}

	/** How a job execution's partitions are spread now. */
	public Spread spread(long jobExecutionId) {
		Set<Integer> shares = new HashSet<>();
		Set<String> senders = new HashSet<>();
		int waiting = 0;
		boolean ownProcess = false;
		for (Partition partition : of(jobExecutionId)) {
			shares.add(partition.index());
			if (partition.sending()) {
				senders.add(partition.sender());
				ownProcess |= partition.worker() == null;
			}
			waiting += partition.state().equals("WAITING") ? 1 : 0;
		}
		return new Spread(shares.size(), senders.size(), waiting, ownProcess);
	}

	/** Every worker known, alive or not, newest first, each with what it sends now. */
	public List<Worker> workers() {
		Map<String, Partition> running = new HashMap<>();
		Map<String, Leases.Worker> known = leases();
		for (PartitionQueue.Partition row : queue.running()) {
			StepExecution step = jobRepository.getStepExecution(row.jobExecutionId(), row.stepExecutionId());
			if (step != null && row.workerId() != null) {
				running.put(row.workerId(), partition(step, Optional.of(row), known));
			}
		}
		return known.values().stream().map(w -> worker(w, running.get(w.id()))).toList();
	}

	private static Worker worker(Leases.Worker lease, @Nullable Partition partition) {
		return new Worker(lease.id(), lease.host(), lease.pid(), lease.smtp(), lease.connections(),
				lease.startedAt().toInstant(), lease.heartbeatAt().toInstant(),
				!lease.alive() ? "lost" : lease.stopping() ? "stopping" : "alive", partition,
				partition == null ? 0 : partition.rate());
	}

	private Map<String, Leases.Worker> leases() {
		return leases.all()
			.stream()
			.collect(Collectors.toMap(Leases.Worker::id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
	}

	private static Partition partition(StepExecution step, Optional<PartitionQueue.Partition> row,
			Map<String, Leases.Worker> workers) {
		Lane lane = Lane.of(step);
		String worker = row.map(PartitionQueue.Partition::workerId).orElse(null);
		Instant started = instant(step.getStartTime());
		Instant ended = instant(step.getEndTime());
		Instant until = ended != null ? ended : instant(step.getLastUpdated());
		double seconds = started == null || until == null ? 0 : Duration.between(started, until).toMillis() / 1000.0;
		return new Partition(step.getJobExecutionId(), step.getId(),
				row.map(PartitionQueue.Partition::index).orElse(lane.index()),
				row.map(PartitionQueue.Partition::count).orElse(lane.count()), row.isPresent(),
				row.map(PartitionQueue.Partition::state).orElse(step.getStatus().name()), worker,
				row.isEmpty() ? THIS_PROCESS : host(worker, workers), step.getStatus().name(), step.getWriteCount(),
				seconds <= 0 ? 0 : step.getWriteCount() / seconds, started, ended);
	}

	/**
	 * The worker's host from its lease; from its id ({@code host:pid:nonce}) once the
	 * lease is gone, or when the run's own process took the partition from the queue.
	 */
	private static @Nullable String host(@Nullable String worker, Map<String, Leases.Worker> workers) {
		if (worker == null) {
			return null;
		}
		Leases.Worker lease = workers.get(worker);
		if (lease != null) {
			return lease.host();
		}
		int nonce = worker.lastIndexOf(':');
		int pid = nonce > 0 ? worker.lastIndexOf(':', nonce - 1) : -1;
		return pid > 0 ? worker.substring(0, pid) : worker;
	}

	/** Spring Batch keeps its times in this JVM's zone. */
	private static @Nullable Instant instant(@Nullable LocalDateTime time) {
		return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
	}

}
