package org.invitations.delivery;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces messages evenly over all connections so that a job stays under a provider's
 * messages-per-second limit. Each caller reserves the next free slot and waits until it
 * comes.
 */
final class RateLimiter implements Pace {

	private final long intervalNanos;

	private long next = System.nanoTime();

	/**
	 * @param perSecond messages per second; 0 or less for no limit
	 */
	RateLimiter(double perSecond) {
		this.intervalNanos = perSecond > 0 ? (long) (1_000_000_000L / perSecond) : 0;
	}

	@Override
	public void acquire() {
		if (intervalNanos == 0) {
			return;
		}
		long slot;
		synchronized (this) {
			long now = System.nanoTime();
			slot = Math.max(next, now);
			next = slot + intervalNanos;
		}
		for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
			LockSupport.parkNanos(wait);
		}
	}

}
