package org.invitations.delivery;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * The sending budget of one group of recipient domains during a step: its messages per
 * second (slots spaced evenly, as {@link RateLimiter} spaces the global ones) and its
 * connections sending at once. A refusal that names a rate halves its rate; each
 * cool-down without another such refusal it grows by a third, back up to its limit.
 */
final class DestinationGroup {

	/** What became of a message asking for the group's turn. */
	enum Admission {

		/** Its turn came: send it, then {@link #release()}. */
		ADMITTED,

		/** Its turn is further away than the caller may wait: put it back, unsent. */
		HELD_BACK,

		/** The caller gave up while waiting (a stop): put it back, unsent. */
		GAVE_UP

	}

	/** The longest single wait, so that a stop is noticed soon. */
	private static final long STEP_NANOS = Duration.ofMillis(50).toNanos();

	/** A group without a rate of its own, slowed, is never spaced closer than this. */
	private static final long FLOOR_NANOS = Duration.ofMillis(1).toNanos();

	private final String name;

	/** The configured spacing; 0 for no rate of its own. */
	private final long baseInterval;

	private final int connections;

	private final long coolDownNanos;

	private long interval;

	private long nextSlot = System.nanoTime();

	private int sending;

	/** The spacing of its admissions lately, for a group slowed without a rate. */
	private long observed;

	private long lastAdmitted;

	/**
	 * When it was last slowed down; refusals of messages admitted before do not count.
	 */
	private long slowedAt;

	/** When its rate last changed while slowed; 0 when it is not slowed. */
	private long changedAt;

	DestinationGroup(String name, double perSecond, int connections, Duration coolDown) {
		this.name = name;
		this.baseInterval = perSecond > 0 ? (long) (1_000_000_000L / perSecond) : 0;
		this.interval = baseInterval;
		this.connections = connections;
		this.coolDownNanos = coolDown.toNanos();
		this.slowedAt = System.nanoTime() - 1;
	}

	String name() {
		return name;
	}

	/**
	 * Waits for the group's turn: a connection of its own free and its next slot, but no
	 * longer than {@code maxWaitNanos} for either (a slot further away is not taken).
	 * @param giveUp asked while waiting: true gives up
	 */
	Admission admit(long maxWaitNanos, BooleanSupplier giveUp) {
		long start = System.nanoTime();
		long deadline = maxWaitNanos == Long.MAX_VALUE ? Long.MAX_VALUE : start + maxWaitNanos;
		long slot;
		synchronized (this) {
			while (connections > 0 && sending >= connections) {
				long left = deadline == Long.MAX_VALUE ? STEP_NANOS : deadline - System.nanoTime();
				if (left <= 0) {
					return Admission.HELD_BACK;
				}
				if (giveUp.getAsBoolean()) {
					return Admission.GAVE_UP;
				}
				try {
					long millis = Math.min(left, STEP_NANOS) / 1_000_000;
					wait(Math.max(1, millis));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return Admission.GAVE_UP;
				}
			}
			long now = System.nanoTime();
			recover(now);
			slot = Math.max(nextSlot, now);
			if (deadline != Long.MAX_VALUE && slot - deadline > 0) {
				return Admission.HELD_BACK;
			}
			nextSlot = slot + interval;
			sending++;
			if (lastAdmitted != 0) {
				long gap = slot - lastAdmitted;
				observed = observed == 0 ? gap : (observed * 7 + gap) / 8;
			}
			lastAdmitted = slot;
		}
		for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
			if (giveUp.getAsBoolean()) {
				release();
				return Admission.GAVE_UP;
			}
			LockSupport.parkNanos(Math.min(wait, STEP_NANOS));
		}
		return Admission.ADMITTED;
	}

	/** An admitted message is sent (or failed): its connection is free for the group. */
	synchronized void release() {
		sending--;
		if (connections > 0) {
			notifyAll();
		}
	}

	/**
	 * A message admitted at {@code admittedAt} was refused with a rate named: half the
	 * rate, once for every refusal of messages admitted since the last slow-down.
	 * @return whether the group slowed down
	 */
	synchronized boolean slowDown(long admittedAt) {
		if (admittedAt - slowedAt < 0) {
			return false;
		}
		long now = System.nanoTime();
		long current = interval > 0 ? interval : Math.max(observed, FLOOR_NANOS);
		interval = current * 2;
		slowedAt = now;
		changedAt = now;
		nextSlot = Math.max(nextSlot, now + interval);
		return true;
	}

	/** Messages per second now; 0 for no limit. */
	synchronized double perSecond() {
		return interval == 0 ? 0 : 1e9 / interval;
	}

	/**
	 * Each cool-down without a refusal since: a third faster, up to the group's limit.
	 */
	private void recover(long now) {
		while (changedAt != 0 && now - changedAt >= coolDownNanos) {
			changedAt += coolDownNanos;
			long faster = interval * 3 / 4;
			if (faster <= Math.max(baseInterval, FLOOR_NANOS)) {
				interval = baseInterval;
				changedAt = 0;
			}
			else {
				interval = faster;
			}
		}
	}

}
