package org.invitations.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.job.RunContext;
import org.invitations.spec.Kind;

/**
 * The invitation state changes around a send, each batch committed on its own: a claim before the messages
 * leave (tokens issued, eligibility checked again), and the outcome after the server answered.
 */
public class DeliveryStore {

	private final JdbcTemplate jdbc;

	public DeliveryStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * An invitation ready to be sent; the token lives only here and in the message.
	 *
	 * @param inDoubt an earlier attempt was cut off after its message may have left
	 */
	public record Claim(PendingInvitation invitation, String token, Instant expiresAt, boolean inDoubt) {

		@Override
		public String toString() {
			return "Claim[invitation=" + invitation.id() + ", inDoubt=" + inDoubt + "]";
		}

	}

	/** Outcome of one claim. */
	public record Outcome(Claim claim, SendResult result) {
	}

	/**
	 * Marks these invitations SENDING with a fresh token each. Invitations already past SENDING are left out
	 * (a replay); people who meanwhile logged in or lost their active email are skipped.
	 */
	public List<Claim> claim(RunContext run, List<? extends PendingInvitation> items) {
		byPrimaryKeyOnly();
		Long[] ids = items.stream().map(PendingInvitation::id).toArray(Long[]::new);
		Map<Long, String> status = new HashMap<>();
		Map<Long, String> skip = new HashMap<>();
		jdbc.query("""
				SELECT i.id, i.kind, i.status, i.sending_execution_id, p.email_active, p.last_login_at
				FROM invitation i JOIN person p ON p.id = i.person_id
				WHERE i.id = ANY(?) FOR UPDATE OF i
				""", (RowCallbackHandler) rs -> {
			long id = rs.getLong("id");
			// SENDING by this execution is in flight here: not to be claimed twice.
			boolean inFlight = "SENDING".equals(rs.getString("status"))
					&& rs.getLong("sending_execution_id") == run.jobExecutionId();
			status.put(id, inFlight ? "IN_FLIGHT" : rs.getString("status"));
			Timestamp login = rs.getTimestamp("last_login_at");
			Kind kind = Kind.valueOf(rs.getString("kind"));
			if (run.spec().filters().activeEmail() && !rs.getBoolean("email_active")) {
				skip.put(id, "EMAIL_INACTIVE:email became inactive before sending");
			}
			else if (kind == Kind.INVITATION && login != null && run.spec().filters().neverLoggedIn()) {
				skip.put(id, "ALREADY_LOGGED_IN:logged in at " + login.toInstant() + ", before sending");
			}
		}, (Object) ids);
		List<Claim> claims = new ArrayList<>();
		List<Object[]> updates = new ArrayList<>();
		List<Object[]> skipped = new ArrayList<>();
		Set<Long> seen = new HashSet<>();
		for (PendingInvitation item : items) {
			// Claimed once however often it was read.
			String current = seen.add(item.id()) ? status.get(item.id()) : null;
			if (!"QUEUED".equals(current) && !"SENDING".equals(current)) {
				continue;
			}
			if (skip.containsKey(item.id())) {
				skipped.add(new Object[] { item.id(), skip.get(item.id()) });
				continue;
			}
			String token = Tokens.generate();
			claims.add(new Claim(item, token, null, "SENDING".equals(current)));
			updates.add(new Object[] { Tokens.hashHex(token), item.id() });
		}
		// An interrupted attempt's link may have arrived: it is replaced, and remembered as superseded. These rows
		// are SENDING: the lock above says so.
		Long[] inDoubt = claims.stream().filter(Claim::inDoubt).map(c -> c.invitation().id()).toArray(Long[]::new);
		if (inDoubt.length > 0) {
			jdbc.update("""
					INSERT INTO retired_token (token_hash, invitation_id, reason)
					SELECT token_hash, id, 'SUPERSEDED' FROM invitation WHERE id = ANY(?) AND token_hash IS NOT NULL
					ON CONFLICT DO NOTHING
					""", (Object) inDoubt);
		}
		Map<Long, Instant> expiry = new HashMap<>();
		jdbc.query("""
				UPDATE invitation i SET status = 'SENDING', token_hash = decode(t.hash, 'hex'), expires_at = now() + i.token_ttl,
				       sending_execution_id = ?
				FROM unnest(?::text[], ?::bigint[]) AS t(hash, id) WHERE i.id = t.id
				RETURNING i.id, i.expires_at
				""", (RowCallbackHandler) rs -> expiry.put(rs.getLong(1), rs.getTimestamp(2).toInstant()),
				run.jobExecutionId(), updates.stream().map(u -> (String) u[0]).toArray(String[]::new),
				updates.stream().map(u -> (Long) u[1]).toArray(Long[]::new));
		recordSkips(run, skipped);
		events(run, claims.stream().filter(Claim::inDoubt).map(c -> c.invitation().id()).toList(), "IN_DOUBT",
				"an earlier attempt was interrupted after its message may have left; sending again with a new link");
		return claims.stream()
			.map(c -> new Claim(c.invitation(), c.token(), expiry.get(c.invitation().id()), c.inDoubt()))
			.toList();
	}

	/** Messages sent in the last 24 hours, by one spec or by all. */
	public long sentInLastDay(String specName) {
		Long count = specName == null
				? jdbc.queryForObject("SELECT count(*) FROM invitation WHERE sent_at > now() - interval '24 hours'", Long.class)
				: jdbc.queryForObject("SELECT count(*) FROM invitation WHERE sent_at > now() - interval '24 hours' AND spec_name = ?",
						Long.class, specName);
		return count == null ? 0 : count;
	}

	private void recordSkips(RunContext run, List<Object[]> skipped) {
		if (skipped.isEmpty()) {
			return;
		}
		jdbc.batchUpdate("""
				UPDATE invitation SET status = 'SKIPPED', token_hash = NULL, closed_at = now() WHERE id = ?
				""", skipped.stream().map(s -> new Object[] { s[0] }).toList());
		List<Object[]> rows = new ArrayList<>();
		for (Object[] s : skipped) {
			String[] reason = ((String) s[1]).split(":", 2);
			rows.add(new Object[] { "SKIPPED", reason[0], reason[1], run.jobExecutionId(), s[0], run.jobInstanceId() });
			jdbc.update("INSERT INTO invitation_event (invitation_id, type, actor, detail) VALUES (?, 'SKIPPED', ?, ?)",
					s[0], run.actor(), reason[1]);
		}
		updateReport(rows);
	}

	/**
	 * Records what the server said. Messages never handed to the server go back to QUEUED without a token, so a
	 * restart sends them; accepted ones are SENT and never sent again. An invitation that left SENDING meanwhile
	 * (cancelled while its message was on its way) keeps its new state; its history and report still say what
	 * the server answered.
	 * <p>
	 * Every statement here finds its rows by primary key only. A condition on the status would let PostgreSQL's
	 * cached plans, made when no row was SENDING, scan the whole queue for each chunk instead.
	 */
	public void record(RunContext run, List<Outcome> outcomes, List<Claim> notSent, String whyNotSent) {
		byPrimaryKeyOnly();
		Set<Long> sending = stillSending(outcomes, notSent);
		int n = outcomes.size();
		Long[] ids = new Long[n];
		String[] statuses = new String[n];
		String[] replies = new String[n];
		String[] details = new String[n];
		String[] reasons = new String[n];
		// The outcome columns of the invitations still SENDING, and those of them whose token dies with it.
		List<Long> updatedIds = new ArrayList<>(n);
		List<String> updatedStatuses = new ArrayList<>(n);
		List<String> updatedReplies = new ArrayList<>(n);
		List<Long> revoked = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			Outcome outcome = outcomes.get(i);
			ids[i] = outcome.claim().invitation().id();
			statuses[i] = outcome.result().status().name();
			replies[i] = outcome.result().reply();
			boolean sent = outcome.result().status() == SendResult.Status.SENT;
			details[i] = replies[i] + (outcome.claim().inDoubt() && sent
					? " (in doubt: an interrupted earlier attempt may also have arrived)" : "");
			reasons[i] = switch (outcome.result().status()) {
				case SENT -> outcome.claim().inDoubt() ? "IN_DOUBT" : null;
				case FAILED -> "SMTP_REJECTED";
				case DEFERRED -> "SMTP_TEMPORARY";
			};
			if (sending.contains(ids[i])) {
				updatedIds.add(ids[i]);
				updatedStatuses.add(statuses[i]);
				updatedReplies.add(replies[i]);
				if (!sent) {
					revoked.add(ids[i]);
				}
			}
		}
		if (!revoked.isEmpty()) {
			jdbc.update("""
					INSERT INTO retired_token (token_hash, invitation_id, reason)
					SELECT token_hash, id, 'FAILED' FROM invitation WHERE id = ANY(?) AND token_hash IS NOT NULL
					ON CONFLICT DO NOTHING
					""", (Object) revoked.toArray(Long[]::new));
		}
		if (!updatedIds.isEmpty()) {
			jdbc.update("""
					UPDATE invitation i SET status = t.status, last_smtp_reply = t.reply, attempt_count = i.attempt_count + 1,
					       sent_at = CASE WHEN t.status = 'SENT' THEN now() ELSE i.sent_at END,
					       token_hash = CASE WHEN t.status = 'SENT' THEN i.token_hash END,
					       closed_at = CASE WHEN t.status = 'FAILED' THEN now() END
					FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(id, status, reply)
					WHERE i.id = t.id
					""", updatedIds.toArray(Long[]::new), updatedStatuses.toArray(String[]::new),
					updatedReplies.toArray(String[]::new));
		}
		if (n > 0) {
			// One statement per table for the whole chunk: the history event and the report row.
			jdbc.update("""
					INSERT INTO invitation_event (invitation_id, type, actor, detail)
					SELECT t.id, t.status, ?, t.detail FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(id, status, detail)
					""", run.actor(), ids, statuses, details);
			jdbc.update("""
					UPDATE job_report_item r SET outcome = t.status, reason = t.reason, detail = t.detail,
					       job_execution_id = ?, updated_at = now()
					FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS t(id, status, reason, detail)
					WHERE r.invitation_id = t.id AND r.job_instance_id = ?
					""", run.jobExecutionId(), ids, statuses, reasons, details, run.jobInstanceId());
		}
		Long[] unsent = notSent.stream().map(c -> c.invitation().id()).filter(sending::contains).toArray(Long[]::new);
		if (unsent.length > 0) {
			jdbc.update("UPDATE invitation SET status = 'QUEUED', token_hash = NULL, expires_at = NULL WHERE id = ANY(?)",
					(Object) unsent);
		}
		if (!notSent.isEmpty()) {
			events(run, List.of(notSent.get(0).invitation().id()), "DEFERRED", whyNotSent);
		}
	}

	/**
	 * A chunk's statements touch a thousand rows of a table that may hold millions, always by key. While a run
	 * is young its statistics lag far behind the table, and PostgreSQL then prefers to read the whole table into
	 * a hash for each chunk (measured: 300 ms per chunk at 120,000 rows, growing with the table). Within this
	 * transaction only, it is told not to.
	 */
	private void byPrimaryKeyOnly() {
		jdbc.execute("SET LOCAL enable_seqscan = off");
	}

	/** Locks the chunk's invitations and says which are still SENDING. */
	private Set<Long> stillSending(List<Outcome> outcomes, List<Claim> notSent) {
		Long[] all = Stream.concat(outcomes.stream().map(Outcome::claim), notSent.stream())
			.map(c -> c.invitation().id())
			.toArray(Long[]::new);
		Set<Long> sending = new HashSet<>();
		if (all.length > 0) {
			jdbc.query("SELECT id, status FROM invitation WHERE id = ANY(?) FOR UPDATE", (RowCallbackHandler) rs -> {
				if ("SENDING".equals(rs.getString(2))) {
					sending.add(rs.getLong(1));
				}
			}, (Object) all);
		}
		return sending;
	}

	private void events(RunContext run, List<Long> ids, String type, String detail) {
		if (ids.isEmpty()) {
			return;
		}
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, type, actor, detail) SELECT unnest(?::bigint[]), ?, ?, ?
				""", ids.toArray(Long[]::new), type, run.actor(), detail);
	}

	private void updateReport(List<Object[]> rows) {
		jdbc.batchUpdate("""
				UPDATE job_report_item SET outcome = ?, reason = ?, detail = ?, job_execution_id = ?, updated_at = now()
				WHERE invitation_id = ? AND job_instance_id = ?
				""", rows);
	}

}
