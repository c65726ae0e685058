package org.invitations.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.invitations.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in throttle on the real database: two throttles on one database stand for two
 * console processes, or one process before and after a restart; each sees the failures
 * the other counted.
 */
class LoginThrottleIT extends IntegrationTest {

	private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

	private static LoginThrottle at(org.springframework.jdbc.core.JdbcTemplate jdbc, Instant instant) {
		return new LoginThrottle(jdbc, Clock.fixed(instant, ZoneOffset.UTC));
	}

	@Test
	void failuresCountedByOneProcessBlockTheNextAndOutliveARestart() {
		LoginThrottle first = at(jdbc, NOW);
		LoginThrottle second = at(jdbc, NOW);
		for (int i = 0; i < LoginThrottle.FREE_ATTEMPTS - 1; i++) {
			(i % 2 == 0 ? first : second).failed("Olga", "10.0.0.7");
		}
		assertThat(first.wait("olga", "10.0.0.7")).isZero();
		second.failed(" OLGA ", "10.0.0.7");
		// The fifth failure, counted by the other process, blocks this one: 2 s, then
		// twice as long each time.
		assertThat(first.wait("olga", "10.0.0.7")).isEqualTo(Duration.ofSeconds(2));
		first.failed("olga", "10.0.0.7");
		assertThat(second.wait("olga", "10.0.0.7")).isEqualTo(Duration.ofSeconds(4));
		// Another address is not blocked by this one's failures.
		assertThat(second.wait("olga", "10.0.0.8")).isZero();

		LoginThrottle restarted = at(jdbc, NOW.plusSeconds(1));
		assertThat(restarted.wait("olga", "10.0.0.7")).isEqualTo(Duration.ofSeconds(3));
		assertThat(at(jdbc, NOW.plusSeconds(4)).wait("olga", "10.0.0.7")).isZero();
		at(jdbc, NOW.plusSeconds(5)).failed("olga", "10.0.0.7");
		assertThat(restarted.wait("olga", "10.0.0.7")).isEqualTo(Duration.ofSeconds(12));
	}

	@Test
	void aSuccessClearsTheCountAndOldFailuresAreForgotten() {
		LoginThrottle throttle = at(jdbc, NOW);
		for (int i = 0; i < LoginThrottle.FREE_ATTEMPTS; i++) {
			throttle.failed("tom", "10.0.0.7");
		}
		throttle.failed("eve", "10.0.0.9");
		assertThat(throttle.wait("tom", "10.0.0.7")).isPositive();
		at(jdbc, NOW.plusSeconds(60)).succeeded("tom", "10.0.0.7");
		assertThat(throttle.wait("tom", "10.0.0.7")).isZero();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM console_sign_in_failure WHERE name = 'tom'", Long.class))
			.isZero();

		at(jdbc, NOW.plus(Duration.ofDays(2))).failed("mallory", "10.0.0.1");
		assertThat(jdbc.queryForList("SELECT name FROM console_sign_in_failure", String.class))
			.containsExactly("mallory");
	}

}
