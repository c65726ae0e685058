package org.invitations.invitation;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Bounces and complaints applied to an invitation: each report once (its key in
 * {@code bounce_notice}), a hard bounce closing a sent or expired invitation as BOUNCED
 * (its link no longer opens: only SENT is redeemed) and suppressing its address, a soft
 * bounce counted, a complaint suppressing the address. Every one leaves a history entry.
 */
final class Bouncing {

	private final JdbcTemplate jdbc;

	private final History history;

	private final ReportRows reports;

	private final Suppressions suppressions;

	Bouncing(JdbcTemplate jdbc, History history, ReportRows reports, Suppressions suppressions) {
		this.jdbc = jdbc;
		this.history = history;
		this.reports = reports;
		this.suppressions = suppressions;
	}

	/** The address an invitation's message went to, as stored, or null if unknown. */
	@Nullable String sentTo(long invitationId) {
		List<String> found = jdbc.queryForList(
				"SELECT coalesce(email, email_normalized) FROM invitation WHERE id = ? AND sent_at IS NOT NULL",
				String.class, invitationId);
		return found.isEmpty() ? null : found.get(0);
	}

	BounceNotice.Applied apply(BounceNotice notice) {
		List<String> address = jdbc.queryForList("""
				WITH recorded AS (
				    INSERT INTO bounce_notice (notice_key, invitation_id, kind, status, detail, source)
				    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (notice_key) DO NOTHING RETURNING invitation_id)
				SELECT coalesce(i.email, i.email_normalized) FROM recorded r JOIN invitation i ON i.id = r.invitation_id
				""", String.class, notice.key(), notice.invitationId(), notice.kind().name(), notice.status(),
				notice.detail(), notice.source());
		if (address.isEmpty()) {
			return BounceNotice.Applied.DUPLICATE;
		}
		String email = address.get(0);
		long id = notice.invitationId();
		return switch (notice.kind()) {
			case SOFT -> {
				history.add(id, EventType.SOFT_BOUNCED, notice.actor(),
						"delivery delayed or refused for now: " + notice.detail());
				yield new BounceNotice.Applied(false, false, false);
			}
			case COMPLAINT -> {
				history.add(id, EventType.COMPLAINED, notice.actor(),
						"reported as spam (" + notice.source() + "); the address is suppressed");
				yield new BounceNotice.Applied(false, false, suppress(email, SuppressedBecause.COMPLAINT, notice));
			}
			case HARD -> {
				List<String> was = jdbc.queryForList("""
						WITH before AS (SELECT id, status FROM invitation WHERE id = ? FOR UPDATE),
						-- Its expiry, if the history read it from the row (V52), becomes an
						-- entry of its own before the row says BOUNCED: the view is read as it
						-- was before this statement.
						kept AS (
						    INSERT INTO invitation_event (invitation_id, at, type, actor, detail)
						    SELECT h.invitation_id, h.at, h.type, h.actor, h.detail
						    FROM invitation_history h JOIN before b ON b.id = h.invitation_id
						    WHERE h.type = 'EXPIRED' AND h.id = 0 AND b.status IN ('SENT', 'EXPIRED'))
						UPDATE invitation i SET status = 'BOUNCED', closed_at = now() FROM before
						WHERE i.id = before.id AND before.status IN ('SENT', 'EXPIRED') RETURNING before.status
						""", String.class, id);
				boolean bounced = !was.isEmpty();
				history.add(id, EventType.BOUNCED, notice.actor(), "undeliverable: " + notice.detail()
						+ (bounced ? "; its link no longer works" : "") + "; the address is suppressed");
				if (bounced) {
					reports.bounced(id, "undeliverable: " + notice.detail());
				}
				yield new BounceNotice.Applied(false, bounced, suppress(email, SuppressedBecause.HARD_BOUNCE, notice));
			}
		};
	}

	private boolean suppress(String email, SuppressedBecause reason, BounceNotice notice) {
		return suppressions.add(email, reason, notice.detail(), notice.source(), notice.actor()).added();
	}

	/** How many soft bounces each of these invitations had. */
	Map<Long, Integer> softBounces(Collection<Long> invitationIds) {
		Map<Long, Integer> counts = new HashMap<>();
		if (invitationIds.isEmpty()) {
			return counts;
		}
		jdbc.query(
				"SELECT invitation_id, count(*) FROM bounce_notice WHERE invitation_id = ANY(?) AND kind = 'SOFT'"
						+ " GROUP BY invitation_id",
				(RowCallbackHandler) rs -> counts.put(rs.getLong(1), rs.getInt(2)),
				(Object) invitationIds.toArray(Long[]::new));
		return counts;
	}

	/** Why each of these bounced invitations bounced: the newest hard bounce's detail. */
	Map<Long, String> bounceDetails(Collection<Long> invitationIds) {
		Map<Long, String> details = new HashMap<>();
		if (invitationIds.isEmpty()) {
			return details;
		}
		jdbc.query(
				"SELECT DISTINCT ON (invitation_id) invitation_id, detail FROM bounce_notice"
						+ " WHERE invitation_id = ANY(?) AND kind = 'HARD' ORDER BY invitation_id, id DESC",
				(RowCallbackHandler) rs -> details.put(rs.getLong(1), rs.getString(2)),
				(Object) invitationIds.toArray(Long[]::new));
		return details;
	}

}
