package org.invitations.operations;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import org.invitations.invitation.InvitationStatus;

/**
 * Gauges read from the database: {@code invitations.by_status{status}}, and
 * {@code invitations.pending.expiring} (sent, unaccepted, expiring within the next 24
 * hours). One query serves all of them and runs at most once every
 * {@code invitations.metrics.database-refresh} (default 60 s), however often Prometheus
 * scrapes.
 */
@Component
class InvitationGauges implements SmartInitializingSingleton {

	private static final List<String> STATUSES = InvitationStatus.dbValues();

	private final MeterRegistry registry;

	private final JdbcTemplate jdbc;

	private final Duration refresh;

	private volatile Map<String, Long> counts = Map.of();

	private volatile long readAt;

	InvitationGauges(MeterRegistry registry, JdbcTemplate jdbc, Environment environment) {
		this.registry = registry;
		this.jdbc = jdbc;
		this.refresh = environment.getProperty("invitations.metrics.database-refresh", Duration.class,
				Duration.ofSeconds(60));
	}

	@Override
	public void afterSingletonsInstantiated() {
		for (String status : STATUSES) {
			Gauge.builder("invitations.by_status", this, gauges -> gauges.value(status))
				.description("invitations in each status, read from the database")
				.tag("status", status)
				.register(registry);
		}
		Gauge.builder("invitations.pending.expiring", this, gauges -> gauges.value("EXPIRING_24H"))
			.description("sent, unaccepted invitations that expire within the next 24 hours")
			.tag("within", "24h")
			.register(registry);
	}

	private double value(String key) {
		long now = System.nanoTime();
		if (readAt == 0 || now - readAt > refresh.toNanos()) {
			synchronized (this) {
				if (readAt == 0 || now - readAt > refresh.toNanos()) {
					counts = read();
					readAt = System.nanoTime();
				}
			}
		}
		return counts.getOrDefault(key, 0L);
	}

	private Map<String, Long> read() {
		Map<String, Long> read = new HashMap<>();
		try {
			// A sent invitation past its expiry counts as expired (V44).
			jdbc.query("SELECT " + InvitationStatus.shownSql("i") + ", count(*) FROM invitation i GROUP BY 1",
					(RowCallbackHandler) rs -> read.put(rs.getString(1), rs.getLong(2)));
			read.put("EXPIRING_24H",
					jdbc.queryForObject(
							"SELECT count(*) FROM invitation WHERE status = 'SENT'"
									+ " AND expires_at > now() AND expires_at <= now() + interval '24 hours'",
							Long.class));
			return read;
		}
		catch (RuntimeException ex) {
			// The database's health says why; the gauges keep their last values
			// meanwhile.
			return counts;
		}
	}

}
