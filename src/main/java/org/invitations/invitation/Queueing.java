package org.invitations.invitation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.EventKind;
import org.invitations.events.InvitationEvents;
import org.invitations.spec.Kind;

/**
 * Opening invitations: queued by a selection (with the role they grant), queued again by
 * a resend, and the stale ones they replace. A person has at most one
 * {@link InvitationStatus#OPEN open} invitation per kind: the schema's partial unique
 * index says so, and each statement here names the same statuses.
 */
final class Queueing {

	static final String OPEN = InvitationStatus.sqlList(InvitationStatus.OPEN);

	private static final String RESENDABLE = InvitationStatus.sqlList(InvitationStatus.RESENDABLE);

	private final JdbcTemplate jdbc;

	private final History history;

	private final InvitationEvents events;

	Queueing(JdbcTemplate jdbc, History history, InvitationEvents events) {
		this.jdbc = jdbc;
		this.history = history;
		this.events = events;
	}

	Map<Long, List<InvitationStore.Open>> openOf(Collection<Long> personIds) {
		Map<Long, List<InvitationStore.Open>> open = new HashMap<>();
		if (personIds.isEmpty()) {
			return open;
		}
		jdbc.query(
				"SELECT id, person_id, kind, status, expires_at FROM invitation WHERE person_id = ANY(?) AND status IN "
						+ OPEN,
				rs -> {
					Timestamp expires = rs.getTimestamp("expires_at");
					open.computeIfAbsent(rs.getLong("person_id"), id -> new ArrayList<>())
						.add(new InvitationStore.Open(rs.getLong("id"), Kind.valueOf(rs.getString("kind")),
								InvitationStatus.of(rs.getString("status")),
								expires == null ? null : expires.toInstant()));
				}, (Object) personIds.toArray(Long[]::new));
		return open;
	}

	/**
	 * A sent invitation past its expiry, still stored as sent (V44), gives way to a new
	 * one: stored as expired.
	 */
	void expireSuperseded(RunRef run, List<Long> ids) {
		if (ids.isEmpty()) {
			return;
		}
		// Stored as EXPIRED, closed when it expired; its event only if the expiry job has
		// not recorded it yet (V44). Its history entry is read from the row (V52).
		List<Long> expired = jdbc.queryForList("""
				UPDATE invitation i SET status = 'EXPIRED', closed_at = i.expires_at
				WHERE i.id = ANY(?) AND i.status = 'SENT' AND i.expires_at <= now()
				RETURNING CASE WHEN EXISTS (SELECT 1 FROM expiry_mark m
				                            WHERE (i.expires_at, i.id) <= (m.expired_through, m.last_id))
				          THEN NULL ELSE i.id END
				""", Long.class, (Object) ids.toArray(Long[]::new))
			.stream()
			.filter(java.util.Objects::nonNull)
			.toList();
		events.record(jdbc, EventKind.EXPIRED, expired, run.actor());
	}

	/**
	 * @return the new invitation of each person queued; those with an open one of the
	 * kind meanwhile are not
	 */
	Map<Long, Long> queue(RunRef run, InvitationStore.Source source, List<InvitationStore.ToQueue> items) {
		Map<Long, Long> byPerson = new HashMap<>();
		if (items.isEmpty()) {
			return byPerson;
		}
		int n = items.size();
		Long[] personIds = new Long[n];
		String[] kinds = new String[n];
		Long[] lines = new Long[n];
		String[] emails = new String[n];
		String[] normalized = new String[n];
		for (int i = 0; i < n; i++) {
			InvitationStore.ToQueue item = items.get(i);
			personIds[i] = item.personId();
			kinds[i] = item.kind().name();
			lines[i] = item.line();
			// The address this invitation is for: delivery sends to it or to no one.
			emails[i] = item.email();
			normalized[i] = item.emailNormalized();
		}
		// Where the people came from is the run's (V47): recorded with its first chunk.
		jdbc.query("""
				WITH source AS (
				    INSERT INTO invitation_source (job_instance_id, kind, ref) VALUES (?, ?, ?) ON CONFLICT DO NOTHING)
				INSERT INTO invitation (person_id, kind, status, role_id, token_ttl, spec_name, job_instance_id,
				                        delivery_instance_id, job_execution_id, source_line, email, email_normalized)
				SELECT p, k, 'QUEUED', ?, make_interval(secs => ?), ?, ?, ?, ?, l, NULLIF(e, en), en
				FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::text[], ?::text[]) AS t(p, k, l, e, en)
				ON CONFLICT (person_id, kind) WHERE status IN %s DO NOTHING
				RETURNING id, person_id
				""".formatted(OPEN), rs -> {
			byPerson.put(rs.getLong("person_id"), rs.getLong("id"));
		}, run.jobInstanceId(), source.kind(), source.ref(), source.roleId(), (double) source.tokenTtl().toSeconds(),
				source.specName(), run.jobInstanceId(), run.jobInstanceId(), run.jobExecutionId(), personIds, kinds,
				lines, emails, normalized);
		jdbc.update("""
				INSERT INTO role_assignment (person_id, role_id, job_execution_id)
				SELECT unnest(?::bigint[]), ?, ? ON CONFLICT DO NOTHING
				""", byPerson.keySet().toArray(Long[]::new), source.roleId(), run.jobExecutionId());
		// No QUEUED entry is written: the invitation row holds when, by which run and for
		// which role, and the invitation_history view (V35) reads the entry from it.
		return byPerson;
	}

	/**
	 * Reopens a sent, expired or undelivered invitation for this run's deliver step, to
	 * the person's current address, unless the person meanwhile has another open one of
	 * the kind. Its old link, and those kept beside it from an interrupted attempt, stop
	 * working at once; a new one is issued when the message is sent.
	 */
	boolean requeue(RunRef run, long invitationId, String was) {
		// The old link is retired only if the invitation is reopened: one refused keeps
		// its link working.
		Integer updated = jdbc.queryForObject(
				"""
						WITH old AS (SELECT id, token_hash FROM invitation WHERE id = ?),
						reopened AS (
						    UPDATE invitation i SET status = 'QUEUED', token_hash = NULL, expires_at = NULL, closed_at = NULL,
						           delivery_instance_id = ?, resent_at = now(), email = NULLIF(p.email, p.email_normalized), email_normalized = p.email_normalized
						    FROM person p, old
						    WHERE i.id = old.id AND p.id = i.person_id AND i.status IN %s
						      AND NOT EXISTS (SELECT 1 FROM invitation o WHERE o.person_id = i.person_id AND o.kind = i.kind
						                      AND o.id <> i.id AND o.status IN %s)
						    RETURNING i.id, old.token_hash AS old_hash),
						retired AS (
						    INSERT INTO retired_token (token_hash, invitation_id, reason)
						    SELECT old_hash, id, 'SUPERSEDED' FROM reopened WHERE old_hash IS NOT NULL ON CONFLICT DO NOTHING),
						-- The send this one supersedes and its expiry, if the history read them
						-- from the row (V46, V52), become entries of their own before the row
						-- is sent again: the view is read as it was before this statement.
						kept AS (
						    INSERT INTO invitation_event (invitation_id, at, type, actor, detail)
						    SELECT h.invitation_id, h.at, h.type, h.actor, h.detail
						    FROM invitation_history h JOIN reopened r ON r.id = h.invitation_id
						    WHERE h.type IN ('SENT', 'EXPIRED') AND h.id = 0),
						-- So does the report row of that send, if job_report_row read it from
						-- the row (V48); the totals counted it as sent already.
						reported AS (
						    UPDATE job_report_item j SET outcome = 'SENT', detail = v.detail, updated_at = v.updated_at
						    FROM job_report_row v JOIN reopened r ON r.id = v.invitation_id
						    WHERE j.job_instance_id = v.job_instance_id AND j.item_number = v.item_number
						      AND j.outcome = 'QUEUED' AND v.outcome = 'SENT')
						SELECT count(*) FROM reopened
						"""
					.formatted(RESENDABLE, OPEN),
				Integer.class, invitationId, run.jobInstanceId());
		if (updated != null && updated == 1) {
			// The links kept from an interrupted attempt stop working with the one they
			// were kept beside.
			jdbc.update("""
					WITH kept AS (DELETE FROM earlier_token WHERE invitation_id = ? RETURNING token_hash, invitation_id)
					INSERT INTO retired_token (token_hash, invitation_id, reason)
					SELECT token_hash, invitation_id, 'SUPERSEDED' FROM kept ON CONFLICT DO NOTHING
					""", invitationId);
			history.add(invitationId, EventType.RESENT, run.actor(), "was " + was + "; the old link no longer works");
		}
		return updated != null && updated == 1;
	}

}
