package org.invitations.events;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Sends the events that are due: claims a batch (at most one event per invitation, the
 * earliest undelivered, so that each invitation's events arrive in order), POSTs them
 * side by side, records each attempt, and goes on until nothing is due. A failed attempt
 * is tried again after the next delay of {@code invitations.events.retry-delays}; after
 * {@code max-attempts} the event is FAILED and the invitation's later events wait until
 * it is replayed. Both {@code serve}'s schedule and {@code events deliver} call
 * {@link #deliverDue}; any number of processes may, at the same time.
 */
@Service
public class EventDispatcher {

	private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

	private final EventsProperties properties;

	private final Outbox outbox;

	private final @Nullable EventPoster poster;

	public EventDispatcher(EventsProperties properties, JdbcTemplate jdbc) {
		this.properties = properties;
		this.outbox = new Outbox(jdbc);
		this.poster = properties.configured()
				? new EventPoster(properties.url(), properties.secret(), properties.timeout()) : null;
	}

	/** What one call did: events delivered, to be tried again later, marked failed. */
	public record Delivered(int delivered, int retrying, int failed) {
	}

	/** Whether events are configured (a URL and a secret). */
	public boolean configured() {
		return poster != null;
	}

	/**
	 * Sends every event due now, and those that fall due while it works, until none is.
	 * @throws IllegalStateException when events are not configured
	 */
	public Delivered deliverDue() {
		if (poster == null) {
			throw new IllegalStateException(
					"events are off: set invitations.events.url and invitations.events.secret to send them");
		}
		// Past the attempt's timeout: a process that died mid-attempt lets another try.
		Duration lease = properties.timeout().multipliedBy(2).plusSeconds(30);
		int delivered = 0;
		int retrying = 0;
		int failed = 0;
		List<Outbox.Claimed> batch;
		while (!(batch = outbox.claim(properties.parallel(), lease)).isEmpty()) {
			List<CompletableFuture<EventPoster.Reply>> replies = batch.stream().map(poster::post).toList();
			for (int i = 0; i < batch.size(); i++) {
				Outbox.Claimed event = batch.get(i);
				EventPoster.Reply reply = replies.get(i).join();
				if (reply.delivered()) {
					outbox.record(event, reply.status(), null, reply.millis(), true, null);
					delivered++;
					continue;
				}
				boolean last = event.attempts() >= properties.maxAttempts();
				Duration retryIn = last ? null : properties.delayAfter(event.attempts());
				// A receiver that says when to come back (429, 503) is not asked sooner.
				if (retryIn != null && reply.retryAfter() != null && reply.retryAfter().compareTo(retryIn) > 0) {
					retryIn = reply.retryAfter();
				}
				outbox.record(event, reply.status(), reply.error(), reply.millis(), false, retryIn);
				String why = reply.error() != null ? reply.error() : "HTTP " + reply.status();
				if (last) {
					failed++;
					log.warn(
							"event {} ({}) failed after {} attempts: {}; its invitation's later events wait for"
									+ " a replay (events replay {})",
							event.id(), event.type(), event.attempts(), why, event.id());
				}
				else {
					retrying++;
					log.info("event {} ({}) attempt {} failed: {}; next in {}", event.id(), event.type(),
							event.attempts(), why, retryIn);
				}
			}
		}
		// The log of what was delivered is kept for a while, not forever.
		int forgotten = outbox.forget(properties.keep(), 10_000);
		if (forgotten > 0) {
			log.info("deleted {} events delivered more than {} ago", forgotten, properties.keep());
		}
		return new Delivered(delivered, retrying, failed);
	}

}
