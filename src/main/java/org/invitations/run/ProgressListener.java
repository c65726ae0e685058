package org.invitations.run;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Logs a step's progress (items done, rate, ETA) at most every two seconds, and a line
 * when it ends. Done are the items of the chunks written, unless the step says what it
 * counts as done.
 */
public class ProgressListener<I, O> implements StepExecutionListener, ChunkListener<I, O> {

	private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);

	private static final long INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

	private final String label;

	private final String unit;

	private final ToLongFunction<StepExecution> total;

	private final @Nullable LongSupplier counted;

	private long expected;

	private long done;

	private long started;

	private long lastLog;

	/**
	 * @param label what the step does, for the log
	 * @param total how many items the step will handle, computed when it starts
	 */
	public ProgressListener(String label, ToLongFunction<StepExecution> total) {
		this(label, "items", total, null);
	}

	/**
	 * @param label what the step does, for the log
	 * @param unit what it counts, for the log
	 * @param total how many it will handle, computed when it starts
	 * @param done how many it has handled so far in this step execution, where that is
	 * not the items of the chunks written: a chunk written may still be on its way, and
	 * an item tried again is read again
	 */
	public ProgressListener(String label, String unit, ToLongFunction<StepExecution> total,
			@Nullable LongSupplier done) {
		this.label = label;
		this.unit = unit;
		this.total = total;
		this.counted = done;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		expected = total.applyAsLong(stepExecution);
		done = 0;
		started = System.nanoTime();
		lastLog = started;
	}

	@Override
	public void afterChunk(Chunk<O> chunk) {
		done = counted == null ? done + chunk.size() : counted.getAsLong();
		long now = System.nanoTime();
		if (now - lastLog >= INTERVAL_NANOS) {
			lastLog = now;
			double rate = done / ((now - started) / 1e9);
			long left = Math.max(0, expected - done);
			log.info("{}: {}/{} {}, {}/s, ETA {}s", label, done, expected, unit, Math.round(rate),
					rate > 0 ? Math.round(left / rate) : "?");
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		if (counted != null) {
			done = counted.getAsLong();
		}
		double seconds = (System.nanoTime() - started) / 1e9;
		log.info("{}: {} {} in {}s ({}/s)", label, done, unit, String.format("%.1f", seconds),
				seconds > 0 ? Math.round(done / seconds) : done);
		return stepExecution.getExitStatus();
	}

}
