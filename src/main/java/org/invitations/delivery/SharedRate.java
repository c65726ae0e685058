package org.invitations.delivery;

import java.util.concurrent.locks.LockSupport;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A per-second throttle held in the database ({@code send_slot}), so that it holds for
 * every process that sends for the same spec together: each reserves the next few slots
 * (a tenth of a second's worth) in one statement, by the database's clock, and spaces its
 * messages over them. Slots one process reserved and did not use are simply lost, so
 * together they stay under the rate, never above it.
 */
final class SharedRate implements Pace {

	private final JdbcTemplate jdbc;

	private final String name;

	private final long intervalNanos;

	private final int block;

	/**
	 * The next reserved slot, by System.nanoTime(), and how many of the block are left.
	 */
	private long next;

	private int left;

	/**
	 * @param name what the slots are shared by, e.g. {@code spec:NAME}
	 * @param perSecond messages per second, above 0
	 */
	SharedRate(JdbcTemplate jdbc, String name, double perSecond) {
		this.jdbc = jdbc;
		this.name = name;
		this.intervalNanos = (long) (1_000_000_000L / perSecond);
		this.block = (int) Math.max(1, Math.min(100, Math.floor(perSecond / 10)));
	}

	@Override
	public void acquire() {
		long slot;
		synchronized (this) {
			if (left == 0) {
				next = reserve();
				left = block;
			}
			slot = next;
			next += intervalNanos;
			left--;
		}
		for (long wait = slot - System.nanoTime(); wait > 0; wait = slot - System.nanoTime()) {
			LockSupport.parkNanos(wait);
		}
	}

	/**
	 * Takes the next {@code block} free slots; returns when the first of them comes, on
	 * this process's clock (the wait the database says, from now).
	 */
	private long reserve() {
		double seconds = block * intervalNanos / 1e9;
		Long waitMicros = jdbc.queryForObject("""
				INSERT INTO send_slot AS s (name, next_at) VALUES (?, clock_timestamp() + make_interval(secs => ?))
				ON CONFLICT (name) DO UPDATE
				   SET next_at = greatest(s.next_at, clock_timestamp()) + make_interval(secs => ?)
				RETURNING (extract(epoch FROM (s.next_at - make_interval(secs => ?)) - clock_timestamp()) * 1e6)::bigint
				""", Long.class, name, seconds, seconds, seconds);
		return System.nanoTime() + Math.max(0, waitMicros == null ? 0 : waitMicros) * 1000;
	}

}
