package org.invitations.events;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The dispatcher's statements on the outbox: claiming what is due, and recording an
 * attempt. A claim is one conditional UPDATE of rows locked with SKIP LOCKED, and moves
 * the event's due time past the attempt's timeout: two processes never hold the same
 * event, and one cut off by a crash is tried again once that time has passed.
 */
final class Outbox {

	/** One claimed event: what its attempt sends. */
	record Claimed(long id, UUID messageId, String type, Instant occurredAt, String data, int attempts) {
	}

	private final JdbcTemplate jdbc;

	Outbox(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Claims up to {@code limit} due events, each the earliest undelivered one of its
	 * invitation: an invitation's later event waits while an earlier one is pending or
	 * failed.
	 */
	List<Claimed> claim(int limit, Duration lease) {
		return jdbc.query(
				"""
						WITH next AS (
						    SELECT e.id FROM event_outbox e
						    WHERE e.state = 'PENDING' AND e.due_at <= now()
						      AND NOT EXISTS (SELECT 1 FROM event_outbox b
						                      WHERE b.invitation_id = e.invitation_id AND b.id < e.id AND b.state <> 'DELIVERED')
						    ORDER BY e.due_at, e.id LIMIT ? FOR UPDATE SKIP LOCKED)
						UPDATE event_outbox e SET due_at = now() + make_interval(secs => ?), attempts = e.attempts + 1
						FROM next WHERE e.id = next.id
						RETURNING e.id, e.message_id, e.type, e.occurred_at, e.data::text, e.attempts
						""",
				(rs, n) -> new Claimed(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3),
						rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getInt(6)),
				limit, lease.toMillis() / 1000.0);
	}

	/**
	 * Deletes up to {@code limit} events delivered longer than {@code age} ago, with
	 * their log: @return how many.
	 */
	int forget(Duration age, int limit) {
		return jdbc.update(
				"""
						DELETE FROM event_outbox WHERE id IN (
						    SELECT id FROM event_outbox WHERE state = 'DELIVERED' AND delivered_at < now() - make_interval(secs => ?)
						    ORDER BY delivered_at LIMIT ?)
						""",
				age.toSeconds() * 1.0, limit);
	}

	/**
	 * Logs one attempt and moves its event on: DELIVERED, due again after
	 * {@code retryIn}, or FAILED when {@code retryIn} is null. Changes nothing but the
	 * log if the event was claimed again meanwhile (its lease ran out).
	 */
	void record(Claimed event, int httpStatus, @Nullable String error, long millis, boolean delivered,
			@Nullable Duration retryIn) {
		// Null: no further attempt (delivered, or failed for good).
		Double wait = delivered || retryIn == null ? null : retryIn.toMillis() / 1000.0;
		jdbc.update("""
				WITH attempt AS (
				    INSERT INTO event_attempt (event_id, kind, http_status, error, duration_ms)
				    VALUES (?, 'ATTEMPT', ?, ?, ?))
				UPDATE event_outbox SET
				    state = CASE WHEN ? THEN 'DELIVERED' WHEN ?::float8 IS NULL THEN 'FAILED' ELSE 'PENDING' END,
				    delivered_at = CASE WHEN ? THEN now() END,
				    due_at = CASE WHEN ?::float8 IS NULL THEN due_at
				                  ELSE now() + make_interval(secs => ?::float8 * (1 + random() * 0.1)) END,
				    last_error = CASE WHEN ? THEN NULL ELSE ? END
				WHERE id = ? AND attempts = ? AND state = 'PENDING'
				""", event.id(), httpStatus == 0 ? null : httpStatus, error, (int) Math.min(millis, Integer.MAX_VALUE),
				delivered, wait, delivered, wait, wait, delivered, error != null ? error : "HTTP " + httpStatus,
				event.id(), event.attempts());
	}

}
