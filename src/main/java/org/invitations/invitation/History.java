package org.invitations.invitation;

import java.util.Collection;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes invitation history ({@code invitation_event}): every state change leaves one
 * entry per invitation.
 */
final class History {

	private final JdbcTemplate jdbc;

	History(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** One entry for each of these invitations, all alike; one statement. */
	void add(Collection<Long> ids, EventType type, String actor, String detail) {
		if (ids.isEmpty()) {
			return;
		}
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, type, actor, detail) SELECT unnest(?::bigint[]), ?, ?, ?
				""", ids.toArray(Long[]::new), type.dbValue(), actor, detail);
	}

	/** One entry for each, with its own type and detail; one statement. */
	void add(Long[] ids, String[] types, String actor, String[] details) {
		if (ids.length == 0) {
			return;
		}
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, type, actor, detail)
				SELECT t.id, t.type, ?, t.detail FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(id, type, detail)
				""", actor, ids, types, details);
	}

	void add(long id, EventType type, String actor, String detail) {
		jdbc.update("INSERT INTO invitation_event (invitation_id, type, actor, detail) VALUES (?, ?, ?, ?)", id,
				type.dbValue(), actor, detail);
	}

}
