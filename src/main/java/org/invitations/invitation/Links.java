package org.invitations.invitation;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.EventKind;
import org.invitations.events.InvitationEvents;
import org.invitations.spec.Kind;

/**
 * The state changes of a sent invitation's links: redeeming one (which closes the
 * invitation as ACCEPTED), and swapping in a reminder's link with the first one kept
 * beside it in {@code earlier_token}, or back.
 */
final class Links {

	/**
	 * The invitation a token opens, and which of its links the token is: the invitation's
	 * newest link, or an earlier one kept because its attempt was interrupted. Both are
	 * looked up by their unique key.
	 */
	static final String FOUND = """
			found AS (
			    SELECT id AS invitation_id, false AS earlier FROM invitation WHERE token_hash = ?
			    UNION ALL
			    SELECT invitation_id, true FROM earlier_token WHERE token_hash = ?
			    LIMIT 1)
			""";

	private final JdbcTemplate jdbc;

	private final InvitationEvents events;

	Links(JdbcTemplate jdbc, InvitationEvents events) {
		this.jdbc = jdbc;
		this.events = events;
	}

	/**
	 * One conditional UPDATE of the invitation, whichever of its links is used: exactly
	 * one link wins, also under concurrent attempts. Accepting also counts as the
	 * person's first login. The invitation's only link, redeemed, is told by the row
	 * alone: who redeemed it is kept there, and the history reads its entry from it
	 * (V50); a link redeemed beside another is the caller's entry to write.
	 */
	InvitationStore.@Nullable Accepted redeem(byte[] hash, String actor) {
		List<InvitationStore.Accepted> accepted = jdbc.query("WITH " + FOUND + """
				, accepted AS (
				    UPDATE invitation i SET status = 'ACCEPTED', accepted_at = now(), closed_at = now(),
				           accepted_by = CASE WHEN f.earlier OR i.id IN (SELECT invitation_id FROM earlier_token)
				                              THEN NULL ELSE ?::text END
				    FROM found f
				    WHERE i.id = f.invitation_id AND i.status = 'SENT' AND i.expires_at > now()
				    RETURNING i.id, i.person_id, i.kind, f.earlier),
				person_logged_in AS (
				    UPDATE person p SET last_login_at = coalesce(p.last_login_at, now()), updated_at = now()
				    FROM accepted a WHERE p.id = a.person_id RETURNING p.id, p.email, p.first_name)
				SELECT a.id, a.person_id, a.kind, l.email, l.first_name, a.earlier,
				       EXISTS (SELECT 1 FROM earlier_token e WHERE e.invitation_id = a.id) AS has_earlier
				FROM accepted a JOIN person_logged_in l ON l.id = a.person_id
				""",
				(rs, n) -> new InvitationStore.Accepted(rs.getLong("id"), rs.getLong("person_id"),
						Kind.valueOf(rs.getString("kind")), rs.getString("email"), rs.getString("first_name"),
						rs.getBoolean("earlier"), rs.getBoolean("has_earlier")),
				hash, hash, actor);
		if (accepted.isEmpty()) {
			return null;
		}
		if (accepted.get(0).earlier()) {
			jdbc.update("UPDATE earlier_token SET used_at = now() WHERE token_hash = ?", hash);
		}
		events.record(jdbc, EventKind.ACCEPTED, List.of(accepted.get(0).invitationId()), "link");
		return accepted.get(0);
	}

	/**
	 * Marks a sent invitation reminded, its link now the reminder's, the first kept valid
	 * beside it.
	 * @return false if it is no longer SENT (nothing changed)
	 */
	boolean remind(long invitationId, byte[] reminderHash) {
		jdbc.update("""
				INSERT INTO earlier_token (token_hash, invitation_id)
				SELECT token_hash, id FROM invitation WHERE id = ? AND status = 'SENT'
				""", invitationId);
		return jdbc.update("UPDATE invitation SET token_hash = ?, reminded_at = now() WHERE id = ? AND status = 'SENT'",
				reminderHash, invitationId) == 1;
	}

	/**
	 * The reminder's link never left: the first is the invitation's own again, reminded
	 * again later if so.
	 */
	void unremind(long invitationId, byte[] firstHash, byte[] reminderHash, boolean remindAgain) {
		jdbc.update("""
				UPDATE invitation SET token_hash = ?, reminded_at = CASE WHEN ? THEN NULL ELSE reminded_at END
				WHERE id = ? AND token_hash = ?
				""", firstHash, remindAgain, invitationId, reminderHash);
		jdbc.update("DELETE FROM earlier_token WHERE token_hash = ? AND invitation_id = ?", firstHash, invitationId);
	}

}
