package org.invitations.console;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Slows down password guessing: after {@value #FREE_ATTEMPTS} failed sign-ins of one name
 * from one address, each further attempt must wait twice as long as the last (2 s, 4 s, …
 * at most 15 minutes), whether the password is right or not. A success clears the count.
 * Kept in PostgreSQL ({@code console_sign_in_failure}), so that a restart gives a guesser
 * nothing back and every process serving the console on the database counts the same
 * attempts.
 */
class LoginThrottle {

	static final int FREE_ATTEMPTS = 5;

	private static final Duration MAX_WAIT = Duration.ofMinutes(15);

	/**
	 * A pair that stopped failing this long ago is forgotten, so a flood of names cannot
	 * fill the table.
	 */
	private static final Duration FORGET_AFTER = Duration.ofDays(1);

	private final JdbcTemplate jdbc;

	private final Clock clock;

	LoginThrottle(JdbcTemplate jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/** How long the pair must still wait, or zero. */
	Duration wait(String name, String address) {
		List<Timestamp> blocked = jdbc.queryForList("""
				SELECT blocked_until FROM console_sign_in_failure
				WHERE name = ? AND address = ? AND blocked_until IS NOT NULL
				""", Timestamp.class, key(name), address);
		if (blocked.isEmpty()) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(clock.instant(), blocked.get(0).toInstant());
		return left.isNegative() ? Duration.ZERO : left;
	}

	/**
	 * Counts a failure in one statement, so that failures in several processes at once
	 * are all counted.
	 */
	void failed(String name, String address) {
		Instant now = clock.instant();
		Integer count = jdbc.queryForObject(
				"""
						INSERT INTO console_sign_in_failure AS f (name, address, failures, last_failed_at) VALUES (?, ?, 1, ?)
						ON CONFLICT (name, address) DO UPDATE SET failures = f.failures + 1, last_failed_at = excluded.last_failed_at
						RETURNING failures
						""",
				Integer.class, key(name), address, Timestamp.from(now));
		if (count != null && count >= FREE_ATTEMPTS) {
			long seconds = 1L << Math.min(count - FREE_ATTEMPTS + 1, 20);
			Duration wait = Duration.ofSeconds(seconds).compareTo(MAX_WAIT) > 0 ? MAX_WAIT
					: Duration.ofSeconds(seconds);
			jdbc.update("UPDATE console_sign_in_failure SET blocked_until = ? WHERE name = ? AND address = ?",
					Timestamp.from(now.plus(wait)), key(name), address);
		}
		jdbc.update("DELETE FROM console_sign_in_failure WHERE last_failed_at < ?",
				Timestamp.from(now.minus(FORGET_AFTER)));
	}

	void succeeded(String name, String address) {
		jdbc.update("DELETE FROM console_sign_in_failure WHERE name = ? AND address = ?", key(name), address);
	}

	private static String key(String name) {
		return String.valueOf(name).strip().toLowerCase(Locale.ROOT);
	}

}
