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

	/**
	 * Deletes the entries of up to {@code limit} invitations closed longer than
	 * {@code ageSeconds} ago, the first of them after invitation {@code afterId}, and
	 * moves the mark of how far history is purged ({@code invitation_history_purge}, V43)
	 * to that age first, so that a reader never misses the line saying so.
	 * @return the last invitation whose entries went (the next call starts after it), or
	 * {@code afterId} when none was left, and how many entries went
	 */
	InvitationStore.HistoryPurged purge(double ageSeconds, long afterId, int limit) {
		jdbc.update("""
				INSERT INTO invitation_history_purge (closed_before, kept_for)
				VALUES (now() - make_interval(secs => ?), justify_hours(make_interval(secs => ?)))
				ON CONFLICT (only_row) DO UPDATE SET
				    closed_before = greatest(invitation_history_purge.closed_before, excluded.closed_before),
				    kept_for = excluded.kept_for, purged_at = now()
				""", ageSeconds, ageSeconds);
		// By key from where the last call stopped: one pass over the invitations per run,
		// skipping those whose entries are gone already.
		return jdbc.queryForObject("""
				WITH picked AS (
				    SELECT i.id FROM invitation i
				    WHERE i.id > ? AND %s < now() - make_interval(secs => ?)
				      AND EXISTS (SELECT 1 FROM invitation_event e WHERE e.invitation_id = i.id)
				    ORDER BY i.id LIMIT ?),
				gone AS (
				    DELETE FROM invitation_event e USING picked p WHERE e.invitation_id = p.id RETURNING 1)
				SELECT coalesce((SELECT max(id) FROM picked), ?), (SELECT count(*) FROM picked),
				       (SELECT count(*) FROM gone)
				""".formatted(InvitationStatus.closedAtSql("i")),
				(rs, n) -> new InvitationStore.HistoryPurged(rs.getLong(1), rs.getInt(2), rs.getLong(3)), afterId,
				ageSeconds, limit, afterId);
	}

}
