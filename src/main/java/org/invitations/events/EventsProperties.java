package org.invitations.events;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import org.invitations.support.InvalidSettingException;

/**
 * Events for the host application: off until both a URL and a secret are set.
 *
 * @param url where each event is POSTed, https (http only to this machine); without it
 * (or the secret) no event is written
 * @param secret the signing secret, {@code whsec_} followed by 24 to 64 random bytes in
 * base64 (as Standard Webhooks serializes it)
 * @param types the event types to send ({@code invitation.sent}, or {@code sent}); empty:
 * all of them. Changes of other types write no event.
 * @param maxAttempts attempts of one event before it is marked failed (a replay starts
 * over)
 * @param retryDelays the wait after the first failed attempt, the second, and so on; the
 * last one repeats. Each is lengthened by up to a tenth at random.
 * @param timeout connect and response timeout of one attempt; longer counts as a failure
 * @param dispatch send events from this process on a schedule ({@code serve} turns it on;
 * {@code events deliver} sends once)
 * @param poll how often the scheduled dispatcher looks for events due
 * @param parallel events sent at the same time, each of a different invitation
 * @param keep how long a delivered event and its log are kept (failed ones are kept until
 * replayed)
 */
@ConfigurationProperties("invitations.events")
public record EventsProperties(@Nullable URI url, @Nullable String secret, @DefaultValue List<String> types,
		@DefaultValue("10") int maxAttempts, @DefaultValue( {
				"5s", "5m", "30m", "2h", "5h", "10h", "14h", "20h", "24h" }) List<Duration> retryDelays,
		@DefaultValue("15s") Duration timeout, @DefaultValue("false") boolean dispatch,
		@DefaultValue("5s") Duration poll, @DefaultValue("8") int parallel, @DefaultValue("30d") Duration keep){

	private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

	public EventsProperties {
		if (url != null && !(url.isAbsolute() && url.getHost() != null && url.getScheme().matches("https?"))) {
			throw new InvalidSettingException("invitations.events.url must be an absolute https URL such as"
					+ " https://crm.example.org/hooks/invitations, not '" + url + "'");
		}
		// The payloads name people: http only to this machine.
		if (url != null && url.getScheme().equals("http") && !LOCAL_HOSTS.contains(url.getHost())) {
			throw new InvalidSettingException("invitations.events.url '" + url
					+ "' is http: the events would travel unencrypted; use https (http only to this machine)");
		}
		try {
			if (secret != null && !secret.isBlank()) {
				Signature.key(secret);
			}
			types.forEach(EventKind::of);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSettingException(ex.getMessage().startsWith("invitations.") ? ex.getMessage()
					: "invitations.events.types: " + ex.getMessage());
		}
		if (maxAttempts < 1) {
			throw new InvalidSettingException("invitations.events.max-attempts must be at least 1, not " + maxAttempts);
		}
		if (retryDelays.isEmpty() || retryDelays.stream().anyMatch(d -> d.isNegative())) {
			throw new InvalidSettingException(
					"invitations.events.retry-delays needs at least one delay, none negative");
		}
		if (parallel < 1) {
			throw new InvalidSettingException("invitations.events.parallel must be at least 1, not " + parallel);
		}
	}

	/** Both the URL and the secret are set. */
	public boolean configured() {
		return url != null && secret != null && !secret.isBlank();
	}

	/** The kinds of events written: none unless configured. */
	public Set<EventKind> kinds() {
		if (!configured()) {
			return Set.of();
		}
		return types.isEmpty() ? EnumSet.allOf(EventKind.class)
				: EnumSet.copyOf(types.stream().map(EventKind::of).toList());
	}

	/** The wait after the given failed attempt (1 for the first). */
	public Duration delayAfter(int attempt) {
		return retryDelays.get(Math.min(Math.max(attempt, 1), retryDelays.size()) - 1);
	}

}
