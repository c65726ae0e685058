package org.invitations.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The outbox as admins read it: events newest first with their state, each one's delivery
 * log, and the replay of delivered or failed ones. The {@code events} command and the
 * console's Events page make the same calls here.
 */
@Service
public class EventLog {

	/** Where an event stands. */
	public enum State {

		PENDING, DELIVERED, FAILED

	}

	/**
	 * One event as listed.
	 *
	 * @param waitingFor the earlier event of the same invitation it waits for, if any
	 */
	public record Event(long id, String webhookId, long invitationId, String type, Instant occurredAt, State state,
			int attempts, Instant dueAt, @Nullable Instant deliveredAt, @Nullable String lastError,
			@Nullable Long waitingFor) {
	}

	/** One entry of an event's delivery log: an attempt, or a replay asked for. */
	public record Entry(long eventId, Instant at, String kind, @Nullable Integer httpStatus, @Nullable String error,
			@Nullable Integer millis, @Nullable String actor) {

		/** What happened, in a few words. */
		public String outcome() {
			if (kind.equals("REPLAY")) {
				return "replay asked by " + actor;
			}
			return error != null ? error : "HTTP " + httpStatus;
		}

	}

	private final JdbcTemplate jdbc;

	public EventLog(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Events newest first below {@code before} (all when null), of one invitation and in
	 * one state when given.
	 */
	public List<Event> page(@Nullable Long invitationId, @Nullable State state, @Nullable Long before, int limit) {
		StringBuilder where = new StringBuilder("WHERE true");
		List<Object> args = new ArrayList<>();
		if (invitationId != null) {
			where.append(" AND e.invitation_id = ?");
			args.add(invitationId);
		}
		if (state != null) {
			where.append(" AND e.state = ?");
			args.add(state.name());
		}
		if (before != null) {
			where.append(" AND e.id < ?");
			args.add(before);
		}
		args.add(limit);
		return jdbc.query("""
				SELECT e.id, e.message_id, e.invitation_id, e.type, e.occurred_at, e.state, e.attempts, e.due_at,
				       e.delivered_at, e.last_error,
				       CASE WHEN e.state = 'PENDING' THEN (SELECT max(b.id) FROM event_outbox b
				            WHERE b.invitation_id = e.invitation_id AND b.id < e.id AND b.state <> 'DELIVERED') END
				FROM event_outbox e
				""" + where + " ORDER BY e.id DESC LIMIT ?", EventLog::event, args.toArray());
	}

	/** The delivery log of these events, oldest entry first. */
	public List<Entry> entries(Collection<Long> eventIds) {
		if (eventIds.isEmpty()) {
			return List.of();
		}
		return jdbc.query("""
				SELECT event_id, at, kind, http_status, error, duration_ms, actor FROM event_attempt
				WHERE event_id = ANY(?) ORDER BY event_id, id
				""", (rs, n) -> new Entry(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
				rs.getObject(4, Integer.class), rs.getString(5), rs.getObject(6, Integer.class), rs.getString(7)),
				(Object) eventIds.toArray(Long[]::new));
	}

	/**
	 * Sends these events again, as new, with the same {@code webhook-id}: each delivered
	 * or failed one is due now with all its attempts ahead of it, and its log records who
	 * asked. A pending event is left to its schedule.
	 * @return the ids replayed
	 */
	@Transactional
	public List<Long> replay(Collection<Long> eventIds, String actor) {
		return replayed(jdbc.queryForList("""
				UPDATE event_outbox SET state = 'PENDING', attempts = 0, due_at = now(), delivered_at = NULL
				WHERE id = ANY(?) AND state IN ('DELIVERED', 'FAILED') RETURNING id
				""", Long.class, (Object) eventIds.toArray(Long[]::new)), actor);
	}

	/** Replays every failed event: @return the ids replayed. */
	@Transactional
	public List<Long> replayFailed(String actor) {
		return replayed(jdbc.queryForList("""
				UPDATE event_outbox SET state = 'PENDING', attempts = 0, due_at = now()
				WHERE state = 'FAILED' RETURNING id
				""", Long.class), actor);
	}

	private List<Long> replayed(List<Long> ids, String actor) {
		jdbc.update("""
				INSERT INTO event_attempt (event_id, kind, actor) SELECT unnest(?::bigint[]), 'REPLAY', ?
				""", ids.toArray(Long[]::new), actor);
		return ids.stream().sorted().toList();
	}

	/** Which of these ids are events at all. */
	public List<Long> existing(Collection<Long> eventIds) {
		return jdbc.queryForList("SELECT id FROM event_outbox WHERE id = ANY(?) ORDER BY id", Long.class,
				(Object) eventIds.toArray(Long[]::new));
	}

	/**
	 * A state by its name, any case: @throws IllegalArgumentException naming the states.
	 */
	public static State state(String name) {
		try {
			return State.valueOf(name.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("unknown state '" + name + "': pending, delivered or failed");
		}
	}

	private static Event event(ResultSet rs, int n) throws SQLException {
		return new Event(rs.getLong(1), "msg_" + rs.getString(2).replace("-", ""), rs.getLong(3), rs.getString(4),
				rs.getTimestamp(5).toInstant(), State.valueOf(rs.getString(6)), rs.getInt(7),
				rs.getTimestamp(8).toInstant(), instant(rs.getTimestamp(9)), rs.getString(10),
				rs.getObject(11, Long.class));
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
