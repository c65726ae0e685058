package org.invitations.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.stereotype.Component;

/**
 * Lets the deliver step, which runs beside the select step, wait for newly queued
 * invitations instead of polling: the select step signals after each committed chunk and
 * when it ends. Whether selection is over is read from the job repository, so it is also
 * right after a restart that skipped a completed select step. It listens to the select
 * step (each chunk, its end) and to the job (to forget the execution once it ended).
 */
@Component
public class SelectionSignal implements ChunkListener<Object, Object>, StepExecutionListener, JobExecutionListener {

	private final BatchMetadata metadata;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = lock.newCondition();

	private final Map<Long, Boolean> ended = new ConcurrentHashMap<>();

	/**
	 * Counts signals, so that a signal sent between a check and the wait is not missed.
	 */
	private final AtomicLong version = new AtomicLong();

	public SelectionSignal(BatchMetadata metadata) {
		this.metadata = metadata;
	}

	/** The select step committed more invitations. */
	public void queued() {
		signal();
	}

	@Override
	public void afterChunk(Chunk<Object> chunk) {
		queued();
	}

	@Override
	public @Nullable ExitStatus afterStep(StepExecution stepExecution) {
		ended(stepExecution.getJobExecutionId());
		return stepExecution.getExitStatus();
	}

	@Override
	public void afterJob(JobExecution jobExecution) {
		forget(jobExecution.getId());
	}

	/** The select step of this execution ended, however it ended. */
	public void ended(long jobExecutionId) {
		ended.put(jobExecutionId, Boolean.TRUE);
		signal();
	}

	private void signal() {
		lock.lock();
		try {
			version.incrementAndGet();
			changed.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * The number of signals so far; pass it to {@link #await(long)} after checking for
	 * work.
	 */
	public long version() {
		return version.get();
	}

	/** Waits until the select step signals after {@code seen}, or a second at most. */
	public void await(long seen) throws InterruptedException {
		lock.lock();
		try {
			if (version.get() == seen) {
				changed.await(1, TimeUnit.SECONDS);
			}
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Whether nothing more will be queued: selection ended in this execution, or
	 * completed in an earlier one.
	 */
	public boolean isOver(long jobInstanceId, long jobExecutionId) {
		if (ended.containsKey(jobExecutionId)) {
			return true;
		}
		return metadata.stepOver(jobInstanceId, jobExecutionId, "select");
	}

	/** Waits until nothing more will be queued (see {@link #isOver}). */
	public void awaitEnd(long jobInstanceId, long jobExecutionId) {
		try {
			long seen = version();
			while (!isOver(jobInstanceId, jobExecutionId)) {
				await(seen);
				seen = version();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting for the selection to end", ex);
		}
	}

	/**
	 * Whether this execution has a select step at all (it can fail before it is created).
	 */
	public boolean selectStarted(long jobExecutionId) {
		return metadata.stepStarted(jobExecutionId, "select");
	}

	/** Forgets an execution once its job ended. */
	public void forget(long jobExecutionId) {
		ended.remove(jobExecutionId);
	}

}
