package org.invitations.events;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes the events of a change to the outbox, in the caller's transaction: called by the
 * statement's caller right after the invitations changed, with their ids, so that the
 * event commits or rolls back with the change. One INSERT … SELECT per call, whatever the
 * number of invitations; nothing at all for a kind that is not sent (events off, or a
 * type left out of {@code invitations.events.types}). The payload is the invitation as
 * the change left it; it never holds a token or a link.
 */
public final class InvitationEvents {

	/** Writes nothing: events are off. */
	public static final InvitationEvents OFF = new InvitationEvents(Set.of());

	private static final String INSERT = """
			INSERT INTO event_outbox (invitation_id, type, data)
			SELECT i.id, ?, json_build_object(
			    'invitation_id', i.id, 'kind', i.kind, 'status', %s, 'role', r.name,
			    'person', json_build_object('id', p.id, 'external_id', p.external_id,
			                                'email', coalesce(i.email, i.email_normalized),
			                                'first_name', p.first_name, 'last_name', p.last_name),
			    'run', json_build_object('spec', i.spec_name, 'execution_id', i.job_execution_id),
			    'by', ?::text,
			    'created_at', %s, 'sent_at', %s, 'expires_at', %s, 'reminded_at', %s, 'accepted_at', %s,
			    'closed_at', %s)
			FROM invitation i JOIN person p ON p.id = i.person_id LEFT JOIN role r ON r.id = i.role_id
			WHERE i.id = ANY(?) ORDER BY i.id
			""".formatted(
			// As readers see it: a sent invitation past its expiry is expired (V44).
			"CASE WHEN i.status = 'SENT' AND i.expires_at <= now() THEN 'EXPIRED' ELSE i.status END",
			utc("i.created_at"), utc("i.sent_at"), utc("i.expires_at"), utc("i.reminded_at"), utc("i.accepted_at"),
			utc("coalesce(i.closed_at, CASE WHEN i.status = 'SENT' AND i.expires_at <= now() THEN i.expires_at END)"));

	private final Set<EventKind> kinds;

	public InvitationEvents(Set<EventKind> kinds) {
		this.kinds = kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds);
	}

	/**
	 * Whether changes of this kind write events: asked once per statement, not per row.
	 */
	public boolean on(EventKind kind) {
		return kinds.contains(kind);
	}

	/**
	 * One event of this kind for each of these invitations, after their change and in its
	 * transaction.
	 * @param by who or what made the change ({@code job:demo#12}, {@code console:alice},
	 * {@code link}), in the payload
	 * @return how many were written
	 */
	public int record(JdbcTemplate jdbc, EventKind kind, Collection<Long> invitationIds, @Nullable String by) {
		if (!on(kind) || invitationIds.isEmpty()) {
			return 0;
		}
		return jdbc.update(INSERT, kind.type(), by, invitationIds.toArray(Long[]::new));
	}

	/**
	 * As {@link #record(JdbcTemplate, EventKind, Collection, String)}, by no one named.
	 */
	public int record(JdbcTemplate jdbc, EventKind kind, Collection<Long> invitationIds) {
		return record(jdbc, kind, invitationIds, null);
	}

	/**
	 * An ISO 8601 time in UTC to the millisecond, as JSON gives it whatever the session's
	 * zone.
	 */
	private static String utc(String column) {
		return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
	}

}
