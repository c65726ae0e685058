package org.invitations.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down password guessing: after {@value #FREE_ATTEMPTS} failed sign-ins of one name from one address, each
 * further attempt must wait twice as long as the last (2 s, 4 s, … at most 15 minutes), whether the password is
 * right or not. A success clears the count. Kept in memory: a restart forgets it, which only gives a guesser back
 * {@value #FREE_ATTEMPTS} attempts.
 */
class LoginThrottle {

	static final int FREE_ATTEMPTS = 5;

	private static final Duration MAX_WAIT = Duration.ofMinutes(15);

	/** Beyond this many tracked pairs the oldest are dropped, so a flood of names cannot fill the memory. */
	private static final int MAX_TRACKED = 100_000;

	private final Map<String, Failures> failures = new ConcurrentHashMap<>();

	private final Clock clock;

	LoginThrottle(Clock clock) {
		this.clock = clock;
	}

	private record Failures(int count, Instant blockedUntil) {
	}

	/** How long the pair must still wait, or zero. */
	Duration wait(String name, String address) {
		Failures current = failures.get(key(name, address));
		if (current == null || current.blockedUntil() == null) {
			return Duration.ZERO;
		}
		Duration left = Duration.between(clock.instant(), current.blockedUntil());
		return left.isNegative() ? Duration.ZERO : left;
	}

	void failed(String name, String address) {
		if (failures.size() > MAX_TRACKED) {
			failures.clear();
		}
		failures.compute(key(name, address), (key, current) -> {
			int count = current == null ? 1 : current.count() + 1;
			if (count < FREE_ATTEMPTS) {
				return new Failures(count, null);
			}
			long seconds = 1L << Math.min(count - FREE_ATTEMPTS + 1, 20);
			Duration wait = Duration.ofSeconds(seconds).compareTo(MAX_WAIT) > 0 ? MAX_WAIT : Duration.ofSeconds(seconds);
			return new Failures(count, clock.instant().plus(wait));
		});
	}

	void succeeded(String name, String address) {
		failures.remove(key(name, address));
	}

	private static String key(String name, String address) {
		return String.valueOf(name).strip().toLowerCase(Locale.ROOT) + "\n" + address;
	}

}
