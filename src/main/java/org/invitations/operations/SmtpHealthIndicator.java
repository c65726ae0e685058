package org.invitations.operations;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

import org.invitations.InvitationsProperties;

/**
 * Health of the mail server ({@code smtp} in {@code /actuator/health}): a connection and
 * EHLO (with STARTTLS and login when configured) to {@code spring.mail.host}, the server
 * both mail clients use, remembered for {@code invitations.health.smtp-cache} (default 30
 * s) so that frequent probes do not open a session each. Boot's own mail indicator
 * connects on every probe and is switched off for this one. With no server configured,
 * mail goes to the outbox folder and this is up.
 */
@Component("smtp")
class SmtpHealthIndicator implements HealthIndicator {

	private final ObjectProvider<JavaMailSenderImpl> sender;

	private final InvitationsProperties properties;

	private final Duration cache;

	private final Clock clock = Clock.systemUTC();

	private volatile Cached last;

	SmtpHealthIndicator(ObjectProvider<JavaMailSenderImpl> sender, InvitationsProperties properties,
			org.springframework.core.env.Environment environment) {
		this.sender = sender;
		this.properties = properties;
		this.cache = environment.getProperty("invitations.health.smtp-cache", Duration.class, Duration.ofSeconds(30));
	}

	@Override
	public Health health() {
		Cached cached = last;
		Instant now = clock.instant();
		if (cached != null && cached.at().plus(cache).isAfter(now)) {
			return cached.health();
		}
		Health health = check();
		last = new Cached(now, health);
		return health;
	}

	private Health check() {
		JavaMailSenderImpl mail = sender.getIfAvailable();
		if (mail == null || mail.getHost() == null) {
			return Health.up().withDetail("outbox", properties.outbox().toAbsolutePath().toString()).build();
		}
		String server = mail.getHost() + ":" + (mail.getPort() > 0 ? mail.getPort() : 25);
		try {
			mail.testConnection();
			return Health.up()
				.withDetail("server", server)
				.withDetail("checked", Instant.now(clock).toString())
				.build();
		}
		catch (Exception ex) {
			String cause = ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage();
			return Health.down().withDetail("server", server).withDetail("error", String.valueOf(cause)).build();
		}
	}

	private record Cached(Instant at, Health health) {
	}

}
