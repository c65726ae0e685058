package org.invitations.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How far each slice of the chunks on their way has got, written to their claims
 * ({@code delivery_claim}) so that a restart after a crash knows what was certainly never
 * sent and what is known to have been accepted or refused.
 * <p>
 * A sender hands the server a message of its slice only while the slice's written
 * allowance covers it; the allowance is the number handed so far plus a window, and one
 * thread of its own writes it for every slice at once, together with the outcomes known
 * so far, in one transaction, whenever a slice comes within half a window of its
 * allowance, a chunk starts or a slice ends (and every 100 ms while anything changed).
 * Each write leaves at most the window plus the one message being sent between a slice's
 * written outcomes and its written allowance, so writing more often would not narrow it;
 * each costs the database one small update and commit. After a crash only the messages
 * between the written outcomes and the written allowance may have left without their
 * outcome being known: at most the window plus the one message on its way, per slice
 * whose connection is sending. A new chunk's slices get their first allowance in the same
 * transaction that writes the final outcomes of the chunk before it, so a connection
 * never has two slices in doubt.
 */
final class ClaimProgress implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(ClaimProgress.class);

	/**
	 * How often the known outcomes are written when no allowance is needed: only for a
	 * closer report after a crash.
	 */
	static final long PERIOD_MILLIS = 100;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	private final int window;

	private final List<Chunk> tracked = new CopyOnWriteArrayList<>();

	private final Object wake = new Object();

	private boolean urgent;

	private volatile boolean closed;

	/**
	 * The last write's failure, until a write succeeds: senders waiting for an allowance
	 * fail with it.
	 */
	private volatile RuntimeException failure;

	private final Thread writer;

	ClaimProgress(JdbcTemplate jdbc, TransactionTemplate ownTransaction, int window) {
		this.jdbc = jdbc;
		this.ownTransaction = ownTransaction;
		this.window = Math.max(1, window);
		this.writer = new Thread(this::writeUntilClosed, "claim-progress");
		this.writer.setDaemon(true);
		this.writer.start();
	}

	/**
	 * Starts tracking a chunk claimed by {@code batch} and split into slices of these
	 * sizes. A chunk without a claim row (batch 0: only invitations already in doubt,
	 * each claimed by its own row) is not held back.
	 */
	Chunk track(long batch, int[] sliceSizes) {
		Chunk chunk = new Chunk(batch, sliceSizes);
		if (batch != 0) {
			tracked.add(chunk);
			poke();
		}
		return chunk;
	}

	@Override
	public void close() {
		closed = true;
		poke();
		try {
			writer.join(2_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void poke() {
		synchronized (wake) {
			urgent = true;
			wake.notifyAll();
		}
	}

	int window() {
		return window;
	}

	/**
	 * Why the last write failed, until one succeeds; senders waiting for an allowance
	 * fail with it.
	 */
	RuntimeException failure() {
		return failure;
	}

	boolean isClosed() {
		return closed;
	}

	private void writeUntilClosed() {
		while (!closed) {
			synchronized (wake) {
				if (!urgent) {
					try {
						wake.wait(PERIOD_MILLIS);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
				urgent = false;
			}
			try {
				write();
				failure = null;
			}
			catch (RuntimeException ex) {
				failure = ex;
				log.debug("Could not write the progress of the chunks on their way: {}", ex.getMessage());
				tracked.forEach(Chunk::wakeSenders);
				sleepQuietly();
			}
		}
		tracked.forEach(Chunk::wakeSenders);
	}

	/**
	 * Writes every tracked chunk that changed since its last write, in one transaction.
	 */
	private void write() {
		// The list first, then each chunk's state: a chunk started after the one before
		// it ended sees that one final.
		List<Chunk> chunks = List.copyOf(tracked);
		List<Object[]> rows = new ArrayList<>();
		List<Snapshot> snapshots = new ArrayList<>();
		List<Chunk> changed = new ArrayList<>();
		for (Chunk chunk : chunks) {
			Snapshot snapshot = chunk.snapshot(window);
			if (snapshot != null) {
				rows.add(new Object[] { chunk.slices.length, boxed(snapshot.allowance()), snapshot.outcomes(),
						chunk.batch });
				snapshots.add(snapshot);
				changed.add(chunk);
			}
		}
		if (rows.isEmpty()) {
			return;
		}
		ownTransaction.executeWithoutResult(status -> jdbc.batchUpdate(
				"UPDATE delivery_claim SET slices = ?, allowance = ?::integer[], outcomes = ?::text[] WHERE id = ?",
				rows));
		for (int i = 0; i < changed.size(); i++) {
			Chunk chunk = changed.get(i);
			chunk.written(snapshots.get(i));
			if (chunk.isFinal()) {
				tracked.remove(chunk);
			}
		}
	}

	private static Integer[] boxed(int[] values) {
		Integer[] boxed = new Integer[values.length];
		for (int i = 0; i < values.length; i++) {
			boxed[i] = values[i];
		}
		return boxed;
	}

	private void sleepQuietly() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record Snapshot(int[] allowance, String[] outcomes, boolean allEnded) {
	}

	/** A chunk's slices, in the order the claim lists its invitations. */
	final class Chunk {

		private final long batch;

		private final SliceProgress[] slices;

		/** Whether the last write saw every slice ended. */
		private volatile boolean writtenFinal;

		private Chunk(long batch, int[] sizes) {
			this.batch = batch;
			this.slices = new SliceProgress[sizes.length];
			for (int s = 0; s < sizes.length; s++) {
				slices[s] = new SliceProgress(ClaimProgress.this, sizes[s], batch == 0);
			}
		}

		SliceProgress slice(int s) {
			return slices[s];
		}

		private Snapshot snapshot(int window) {
			int[] allowance = new int[slices.length];
			String[] outcomes = new String[slices.length];
			boolean anyChange = false;
			boolean allEnded = true;
			for (int s = 0; s < slices.length; s++) {
				SliceProgress slice = slices[s];
				// Handed first, then outcomes: what was handed is then known or at most
				// one message ahead.
				boolean ended = slice.ended();
				int handed = slice.handed();
				outcomes[s] = slice.outcomes();
				allowance[s] = ended ? handed : Math.min(slice.size(), handed + window);
				anyChange |= allowance[s] != slice.allowance() || outcomes[s].length() != slice.writtenOutcomes();
				allEnded &= ended;
			}
			if (!anyChange && !(allEnded && !writtenFinal)) {
				return null;
			}
			return new Snapshot(allowance, outcomes, allEnded);
		}

		private void written(Snapshot snapshot) {
			writtenFinal = snapshot.allEnded();
			for (int s = 0; s < slices.length; s++) {
				slices[s].grant(snapshot.allowance()[s], snapshot.outcomes()[s].length());
			}
		}

		private boolean isFinal() {
			return writtenFinal;
		}

		private void wakeSenders() {
			for (SliceProgress slice : slices) {
				slice.wake();
			}
		}

	}

}
