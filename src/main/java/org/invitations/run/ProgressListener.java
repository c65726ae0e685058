package org.invitations.run;

import java.time.Duration;
import java.util.function.ToLongFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Logs a step's progress (items done, rate, ETA) at most every two seconds, and a line
 * when it ends.
 */
public class ProgressListener<I, O> implements StepExecutionListener, ChunkListener<I, O> {

	private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);

	private static final long INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

	private final String label;

	private final ToLongFunction<StepExecution> total;

	private long expected;

	private long done;

	private long started;

	private long lastLog;

	/**
	 * @param label what the step does, for the log
	 * @param total how many items the step will handle, computed when it starts
	 */
	public ProgressListener(String label, ToLongFunction<StepExecution> total) {
		this.label = label;
		this.total = total;
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
		done += chunk.size();
		long now = System.nanoTime();
		if (now - lastLog >= INTERVAL_NANOS) {
			lastLog = now;
			double rate = done / ((now - started) / 1e9);
			long left = Math.max(0, expected - done);
			log.info("{}: {}/{} items, {}/s, ETA {}s", label, done, expected, Math.round(rate),
					rate > 0 ? Math.round(left / rate) : "?");
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		double seconds = (System.nanoTime() - started) / 1e9;
		log.info("{}: {} items in {}s ({}/s)", label, done, String.format("%.1f", seconds),
				seconds > 0 ? Math.round(done / seconds) : done);
		return stepExecution.getExitStatus();
	}

}
