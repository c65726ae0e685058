package org.invitations.delivery;

import org.invitations.smtp.SendResult;

/**
 * One connection's share of a chunk on its way, as {@link ClaimProgress} tracks it: the
 * sender reports each message before handing it over, waiting while the written allowance
 * does not cover it, and then its outcome.
 */
final class SliceProgress {

	private final ClaimProgress progress;

	private final int size;

	private final boolean unlimited;

	private final StringBuilder outcomes = new StringBuilder();

	private volatile int handed;

	private volatile boolean ended;

	/** How many messages the written allowance lets the sender hand over. */
	private volatile int allowance;

	private volatile int writtenOutcomes;

	SliceProgress(ClaimProgress progress, int size, boolean unlimited) {
		this.progress = progress;
		this.size = size;
		this.unlimited = unlimited;
	}

	/**
	 * Waits until the written allowance covers the message at this position of the slice,
	 * then counts it as handed to the server.
	 * @throws IllegalStateException when the allowance cannot be written (the database is
	 * gone)
	 */
	void handing(int position) throws InterruptedException {
		if (!unlimited) {
			if (position >= allowance - progress.window() / 2) {
				progress.poke();
			}
			synchronized (this) {
				while (position >= allowance) {
					RuntimeException failed = progress.failure();
					if (failed != null || progress.isClosed()) {
						throw new IllegalStateException("the progress of the chunk on its way could not be recorded"
								+ (failed == null ? "" : ": " + failed.getMessage()), failed);
					}
					wait(ClaimProgress.PERIOD_MILLIS);
				}
			}
		}
		handed = position + 1;
	}

	/** The outcome of the message handed last. */
	void outcome(SendResult result) {
		char letter = switch (result.status()) {
			case SENT -> result.inDoubt() ? 'I' : 'S';
			case FAILED -> 'F';
			case DEFERRED -> 'D';
		};
		synchronized (outcomes) {
			outcomes.append(letter);
		}
	}

	/**
	 * The message handed last was put back instead, unsent: to be sent in a later pass.
	 */
	void heldBack() {
		synchronized (outcomes) {
			outcomes.append('H');
		}
	}

	/** No further message of this slice will be handed over (all sent, or stopped). */
	void end() {
		ended = true;
		if (!unlimited) {
			progress.poke();
		}
	}

	int size() {
		return size;
	}

	int handed() {
		return handed;
	}

	boolean ended() {
		return ended;
	}

	int allowance() {
		return allowance;
	}

	int writtenOutcomes() {
		return writtenOutcomes;
	}

	String outcomes() {
		synchronized (outcomes) {
			return outcomes.toString();
		}
	}

	synchronized void grant(int allowed, int outcomesWritten) {
		allowance = allowed;
		writtenOutcomes = outcomesWritten;
		notifyAll();
	}

	synchronized void wake() {
		notifyAll();
	}

}
