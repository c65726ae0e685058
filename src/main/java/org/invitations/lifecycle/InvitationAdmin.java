package org.invitations.lifecycle;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.ByPerson;
import org.invitations.invitation.InvitationStatus;
import org.invitations.invitation.InvitationStore;
import org.invitations.run.BatchMetadata;

/**
 * What admins do with invitations after sending: look them up, read their history, cancel
 * them (and, if asked, stop future invitations to their addresses).
 */
@Service
public class InvitationAdmin {

	private final JdbcTemplate jdbc;

	private final InvitationStore invitations;

	public InvitationAdmin(JdbcTemplate jdbc, InvitationEvents events) {
		this.jdbc = jdbc;
		this.invitations = new InvitationStore(jdbc, events);
	}

	/** One invitation as listed. */
	public record Row(long id, String email, String kind, String status, String spec, String role, int attempts,
			Instant sentAt, Instant expiresAt, Instant acceptedAt, String lastReply) {
	}

	/** One entry of an invitation's history. */
	public record Event(long invitationId, Instant at, String type, String actor, String detail) {
	}

	/**
	 * Invitations matching every given filter (each may be {@code null}), newest first.
	 * @param status a status, or {@code pending} (sent, unexpired, not accepted) or
	 * {@code open}
	 */
	public void list(String status, String spec, String email, Long execution, int limit, Consumer<Row> consumer) {
		List<Object> args = new ArrayList<>();
		StringBuilder where = new StringBuilder("WHERE true");
		if (status != null) {
			where.append(" AND ").append(SettledParts.statusCondition(status));
		}
		if (spec != null) {
			where.append(" AND i.spec_name = ?");
			args.add(spec);
		}
		if (email != null) {
			where.append(" AND i.id IN (" + ByPerson.invitationIds("SELECT id FROM person WHERE email_normalized = ?")
					+ ")");
			args.add(email.strip().toLowerCase(java.util.Locale.ROOT));
		}
		if (execution != null) {
			where.append(" AND i.job_instance_id = " + BatchMetadata.instanceOfExecution("?"));
			args.add(execution);
		}
		String filters = where.toString();
		List<Object> all = new ArrayList<>();
		String parts = SettledParts.union(
				new SettledParts(jdbc).of(new SettledParts.Shape(status, spec != null, execution != null)), all,
				part -> {
					List<Object> own = new ArrayList<>(args);
					own.addAll(part.args());
					own.add(limit);
					return new SettledParts.Query(
							"""
									SELECT i.id, coalesce(i.email, i.email_normalized), i.kind, %s, i.spec_name, r.name, i.attempt_count, i.sent_at,
									       i.expires_at, i.accepted_at, i.last_smtp_reply
									FROM invitation i JOIN person p ON p.id = i.person_id LEFT JOIN role r ON r.id = i.role_id
									"""
								.formatted(InvitationStatus.shownSql("i")) + filters + " AND " + part.sql()
									+ " ORDER BY i.id DESC LIMIT ?",
							own);
				});
		all.add(limit);
		jdbc.query("SELECT * FROM (" + parts + ") AS parts ORDER BY 1 DESC LIMIT ?", rs -> {
			consumer.accept(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
					rs.getString(6), rs.getInt(7), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)),
					instant(rs.getTimestamp(10)), rs.getString(11)));
		}, all.toArray());
	}

	/**
	 * Every state change of the invitations of a person (by address) or of one invitation
	 * (by id), in order. An invitation whose entries the expiry job deleted
	 * ({@code purge-history-after}, V43) keeps its QUEUED entry and has one of type
	 * {@code HISTORY_PURGED} where it closed, saying so.
	 */
	public List<Event> history(String emailOrId) {
		String key = emailOrId.strip();
		boolean byId = key.chars().allMatch(Character::isDigit);
		String email = key.toLowerCase(java.util.Locale.ROOT);
		String ids = byId ? "SELECT ?::bigint"
				: ByPerson.invitationIds("SELECT id FROM person WHERE email_normalized = ?");
		return jdbc.query(
				"""
						SELECT invitation_id, at, type, actor, detail FROM (
						    SELECT e.invitation_id, e.at, e.type, e.actor, e.detail, e.id FROM invitation_history e
						    WHERE e.invitation_id IN (%s)
						    UNION ALL
						    SELECT i.id, %s, 'HISTORY_PURGED', 'expiry job',
						           'the entries after QUEUED were deleted on ' || to_char(h.purged_at, 'YYYY-MM-DD')
						           || ', ' || h.kept_for || ' after it closed (purge-history-after); its status and times remain',
						           9223372036854775807
						    FROM invitation i JOIN invitation_history_purge h ON %s < h.closed_before
						    WHERE i.id IN (%s)) AS entries
						ORDER BY at, id
						"""
					.formatted(ids, InvitationStatus.closedAtSql("i"), InvitationStatus.closedAtSql("i"), ids),
				(rs, n) -> new Event(rs.getLong(1), instant(rs.getTimestamp(2)), rs.getString(3), rs.getString(4),
						rs.getString(5)),
				byId ? key : email, byId ? key : email);
	}

	/**
	 * Cancels open invitations: one by id, or all of a job execution's run. Their links
	 * stop working at once.
	 * @return how many were cancelled
	 */
	@Transactional
	public int cancel(Long invitationId, Long execution, String actor, String reason) {
		return invitations.cancel(invitationId, execution, actor, reason);
	}

	/**
	 * Cancels as {@link #cancel(Long, Long, String, String)} does; with {@code suppress},
	 * also stops future invitations to each cancelled invitation's address, in the same
	 * transaction (the suppression list, with the reason as its detail).
	 */
	@Transactional
	public InvitationStore.Cancelled cancel(Long invitationId, Long execution, String actor, String reason,
			boolean suppress) {
		return suppress ? invitations.cancelAndSuppress(invitationId, execution, actor, reason)
				: new InvitationStore.Cancelled(invitations.cancel(invitationId, execution, actor, reason), 0);
	}

	/**
	 * What the recipients' servers reported of these invitations: why each bounced
	 * invitation bounced, and how many soft bounces each had.
	 */
	public Bounces bounces(Collection<Long> invitationIds) {
		return new Bounces(invitations.bounceDetails(invitationIds), invitations.softBounces(invitationIds));
	}

	/**
	 * Bounce reports by invitation, for a page.
	 *
	 * @param reasons why each bounced invitation bounced, in the server's words
	 * @param soft how many soft bounces each had (absent: none)
	 */
	public record Bounces(Map<Long, String> reasons, Map<Long, Integer> soft) {

		public String reason(long invitationId) {
			return reasons.getOrDefault(invitationId, "");
		}

		public int soft(long invitationId) {
			return soft.getOrDefault(invitationId, 0);
		}

	}

	/**
	 * Whether an invitation with this id exists at all, to tell "nothing open" from "no
	 * such invitation".
	 */
	public boolean exists(long invitationId) {
		return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM invitation WHERE id = ?)",
				Boolean.class, invitationId));
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
