package org.invitations.worker;

import java.util.List;
import java.util.Optional;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import org.invitations.delivery.Lane;

/**
 * The partitions of deliver steps waiting for a worker, and who runs each
 * ({@code delivery_partition}). Taking one is a conditional claim of its row (the next
 * WAITING one, rows locked by others skipped), so a partition runs on one worker at a
 * time however many ask.
 */
@Component
public class PartitionQueue {

	private final JdbcTemplate jdbc;

	public PartitionQueue(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** A partition as its row shows it. */
	public record Partition(long stepExecutionId, long jobExecutionId, int index, int count, String state,
			String workerId) {
	}

	/** Puts a partition's step execution in the queue. */
	public void offer(StepExecution partition) {
		Lane lane = Lane.of(partition);
		jdbc.update("""
				INSERT INTO delivery_partition (step_execution_id, job_execution_id, partition_index, partition_count)
				VALUES (?, ?, ?, ?)
				""", partition.getId(), partition.getJobExecutionId(), lane.index(), lane.count());
	}

	/** Takes the oldest waiting partition for this worker, if any. */
	public Optional<Partition> take(String workerId) {
		return jdbc.query("""
				UPDATE delivery_partition SET state = 'RUNNING', worker_id = ?, claimed_at = now()
				WHERE step_execution_id = (SELECT step_execution_id FROM delivery_partition WHERE state = 'WAITING'
				                           ORDER BY step_execution_id LIMIT 1 FOR UPDATE SKIP LOCKED)
				RETURNING step_execution_id, job_execution_id, partition_index, partition_count, state, worker_id
				""", (rs, n) -> partition(rs), workerId).stream().findFirst();
	}

	/**
	 * Takes this partition, if it is still waiting: the manager works one itself when no
	 * worker is alive.
	 */
	public boolean take(long stepExecutionId, String workerId) {
		return jdbc.update("""
				UPDATE delivery_partition SET state = 'RUNNING', worker_id = ?, claimed_at = now()
				WHERE step_execution_id = ? AND state = 'WAITING'
				""", workerId, stepExecutionId) == 1;
	}

	/** The partition's step has ended, however it ended. */
	public void ended(long stepExecutionId) {
		jdbc.update("UPDATE delivery_partition SET state = 'ENDED', ended_at = now() WHERE step_execution_id = ?"
				+ " AND state IN ('WAITING', 'RUNNING')", stepExecutionId);
	}

	/**
	 * Its worker stopped on request, at a safe point: the manager queues the partition
	 * again.
	 */
	public void left(long stepExecutionId) {
		jdbc.update("UPDATE delivery_partition SET state = 'LEFT', ended_at = now() WHERE step_execution_id = ?"
				+ " AND state = 'RUNNING'", stepExecutionId);
	}

	/**
	 * Marks a running partition lost, unless it ended meanwhile.
	 * @return whether it was lost
	 */
	public boolean lose(long stepExecutionId) {
		return jdbc.update("UPDATE delivery_partition SET state = 'LOST', ended_at = now() WHERE step_execution_id = ?"
				+ " AND state = 'RUNNING'", stepExecutionId) == 1;
	}

	/**
	 * The partitions of these job executions that a worker still runs (or that wait for
	 * one).
	 */
	public List<Partition> unfinished(List<Long> jobExecutionIds) {
		return jdbc.query("""
				SELECT step_execution_id, job_execution_id, partition_index, partition_count, state, worker_id
				FROM delivery_partition WHERE job_execution_id = ANY(?) AND state IN ('WAITING', 'RUNNING')
				""", (rs, n) -> partition(rs), (Object) jobExecutionIds.toArray(Long[]::new));
	}

	public Optional<Partition> get(long stepExecutionId) {
		return jdbc.query("""
				SELECT step_execution_id, job_execution_id, partition_index, partition_count, state, worker_id
				FROM delivery_partition WHERE step_execution_id = ?
				""", (rs, n) -> partition(rs), stepExecutionId).stream().findFirst();
	}

	/** The partitions of a job execution, in order. */
	public List<Partition> of(long jobExecutionId) {
		return jdbc.query("""
				SELECT step_execution_id, job_execution_id, partition_index, partition_count, state, worker_id
				FROM delivery_partition WHERE job_execution_id = ? ORDER BY partition_index, step_execution_id
				""", (rs, n) -> partition(rs), jobExecutionId);
	}

	/** The partitions workers hold now, for the console. */
	public List<Partition> running() {
		return jdbc.query("""
				SELECT step_execution_id, job_execution_id, partition_index, partition_count, state, worker_id
				FROM delivery_partition WHERE state = 'RUNNING' ORDER BY step_execution_id
				""", (rs, n) -> partition(rs));
	}

	private static Partition partition(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new Partition(rs.getLong("step_execution_id"), rs.getLong("job_execution_id"),
				rs.getInt("partition_index"), rs.getInt("partition_count"), rs.getString("state"),
				rs.getString("worker_id"));
	}

}
