package org.invitations.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.InvitationsProperties;
import org.invitations.run.RunContext;
import org.invitations.spec.Kind;

/**
 * The invitation state changes around a send, each batch committed on its own: a claim before the messages
 * leave (tokens issued, eligibility checked again), and the outcome after the server answered.
 * <p>
 * A chunk is claimed with one {@code delivery_claim} row that lists its invitations and the hashes of their new
 * tokens; the invitations themselves stay QUEUED until the outcome is recorded, which deletes that row. Every
 * write of an invitation updates all of its indexes, so writing each one twice on its way (queued, then sent)
 * instead of three times is the cheapest claim there is. An invitation an earlier execution may have sent before
 * it died is marked on its own row instead: SENDING, with that execution's id, in doubt.
 */
public class DeliveryStore {

	private final JdbcTemplate jdbc;

	public DeliveryStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * An invitation ready to be sent; the token lives only here and in the message.
	 *
	 * @param batch the {@code delivery_claim} row that claims it, or 0 for an invitation in doubt, which its own
	 * row claims
	 * @param inDoubt an earlier attempt was cut off after its message may have left
	 */
	public record Claim(PendingInvitation invitation, String token, Instant expiresAt, boolean inDoubt, long batch) {

		@Override
		public String toString() {
			return "Claim[invitation=" + invitation.id() + ", inDoubt=" + inDoubt + "]";
		}

	}

	/** Outcome of one claim. */
	public record Outcome(Claim claim, SendResult result) {
	}

	/**
	 * Turns the claims that an earlier execution of this run left behind when it died into SENDING invitations of
	 * that execution: their messages may have left, so they are sent again as in doubt. Called before the
	 * execution claims anything; only one execution of a run delivers at a time.
	 *
	 * @return how many invitations are in doubt now
	 */
	public int recoverClaims(RunContext run) {
		return new ClaimRecovery(jdbc).recover(run);
	}

	/** Starts writing the progress of the chunks on their way to their claims (see {@link ClaimProgress}). */
	ClaimProgress trackProgress(org.springframework.transaction.support.TransactionTemplate ownTransaction, int window) {
		return new ClaimProgress(jdbc, ownTransaction, window);
	}

	/** As before claims had progress: every invitation of a dead execution's claim in doubt. */
	int recoverWholeClaims(long instanceId, long liveExecutionId) {
		// Those cancelled since have their link, which may have arrived, remembered as cancelled.
		return jdbc.update("""
				WITH dead AS (
				    DELETE FROM delivery_claim WHERE delivery_instance_id = ? AND job_execution_id <> ? AND slices IS NULL
				    RETURNING job_execution_id, invitation_ids, token_hashes),
				claimed AS (
				    SELECT d.job_execution_id AS execution, t.id, t.hash
				    FROM dead d, unnest(d.invitation_ids, d.token_hashes) AS t(id, hash)),
				revoked AS (
				    INSERT INTO retired_token (token_hash, invitation_id, reason)
				    SELECT c.hash, c.id, 'CANCELLED' FROM claimed c JOIN invitation i ON i.id = c.id
				    WHERE i.status <> 'QUEUED'
				    ON CONFLICT DO NOTHING)
				UPDATE invitation i SET status = 'SENDING', token_hash = c.hash, sending_execution_id = c.execution
				FROM claimed c
				WHERE i.id = c.id AND i.status = 'QUEUED'
				""", instanceId, liveExecutionId);
	}

	/**
	 * Claims these invitations with a fresh token each. Invitations already past SENDING are left out (a replay);
	 * people who meanwhile logged in, lost their active email or changed their address are skipped. No row is locked: every write that
	 * follows names the status it expects, so an invitation cancelled meanwhile keeps its new state.
	 */
	public List<Claim> claim(RunContext run, List<? extends PendingInvitation> items) {
		byPrimaryKeyOnly();
		Long[] ids = items.stream().map(PendingInvitation::id).toArray(Long[]::new);
		Map<Long, String> status = new HashMap<>();
		Map<Long, String> skip = new HashMap<>();
		jdbc.query("""
				SELECT i.id, i.kind, i.status, i.sending_execution_id, p.email_active, p.last_login_at,
				       p.email_normalized <> i.email_normalized AS address_changed
				FROM invitation i JOIN person p ON p.id = i.person_id
				WHERE i.id = ANY(?)
				""", (RowCallbackHandler) rs -> {
			long id = rs.getLong("id");
			// SENDING by this execution is in flight here: not to be claimed twice.
			boolean inFlight = "SENDING".equals(rs.getString("status"))
					&& rs.getLong("sending_execution_id") == run.jobExecutionId();
			status.put(id, inFlight ? "IN_FLIGHT" : rs.getString("status"));
			Timestamp login = rs.getTimestamp("last_login_at");
			Kind kind = Kind.valueOf(rs.getString("kind"));
			if (rs.getBoolean("address_changed")) {
				// The link goes to the address it was queued for or to no one; the person can be invited anew.
				skip.put(id, "ADDRESS_CHANGED:the person's address changed after the invitation was queued");
			}
			else if (run.spec().filters().activeEmail() && !rs.getBoolean("email_active")) {
				skip.put(id, "EMAIL_INACTIVE:email became inactive before sending");
			}
			else if (kind == Kind.INVITATION && login != null && run.spec().filters().neverLoggedIn()) {
				skip.put(id, "ALREADY_LOGGED_IN:logged in at " + login.toInstant() + ", before sending");
			}
		}, (Object) ids);
		// The expiry each message states is the one stored when it is recorded as sent.
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		List<Claim> fresh = new ArrayList<>();
		List<Claim> inDoubt = new ArrayList<>();
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
			Claim claim = new Claim(item, Tokens.generate(), now.plus(item.tokenTtl()), "SENDING".equals(current), 0);
			(claim.inDoubt() ? inDoubt : fresh).add(claim);
		}
		List<Claim> claims = new ArrayList<>(fresh.size() + inDoubt.size());
		if (!fresh.isEmpty()) {
			Long batch = jdbc.queryForObject("""
					INSERT INTO delivery_claim (delivery_instance_id, job_execution_id, invitation_ids, token_hashes, claimed_at,
					                            slices, allowance, outcomes)
					VALUES (?, ?, ?::bigint[], ARRAY(SELECT decode(h, 'hex') FROM unnest(?::text[]) WITH ORDINALITY AS t(h, n)
					                                 ORDER BY n), ?::timestamptz, 1, '{0}', '{""}')
					RETURNING id
					""", Long.class, run.jobInstanceId(), run.jobExecutionId(),
					fresh.stream().map(c -> c.invitation().id()).toArray(Long[]::new),
					fresh.stream().map(c -> Tokens.hashHex(c.token())).toArray(String[]::new), now.toString());
			fresh.forEach(c -> claims.add(new Claim(c.invitation(), c.token(), c.expiresAt(), false, batch)));
		}
		claims.addAll(claimInDoubt(run, inDoubt));
		recordSkips(run, skipped);
		return claims;
	}

	/**
	 * An interrupted attempt's link may have arrived, and most people open the first email: it stays valid beside
	 * the new link (kept in {@code earlier_token}) until one of them is used or the invitation closes. The invitation
	 * row itself carries the claim of these few, as it did for the execution that died.
	 */
	private List<Claim> claimInDoubt(RunContext run, List<Claim> inDoubt) {
		if (inDoubt.isEmpty()) {
			return List.of();
		}
		Long[] ids = inDoubt.stream().map(c -> c.invitation().id()).toArray(Long[]::new);
		jdbc.update("""
				INSERT INTO earlier_token (token_hash, invitation_id)
				SELECT token_hash, id FROM invitation
				WHERE id = ANY(?) AND CASE status WHEN 'SENDING' THEN token_hash IS NOT NULL ELSE false END
				ON CONFLICT DO NOTHING
				""", (Object) ids);
		Set<Long> claimed = new HashSet<>(jdbc.queryForList("""
				UPDATE invitation i SET token_hash = decode(t.hash, 'hex'), expires_at = t.expires, sending_execution_id = ?
				FROM unnest(?::text[], ?::bigint[], ?::timestamptz[]) AS t(hash, id, expires)
				WHERE i.id = t.id AND CASE i.status WHEN 'SENDING' THEN true ELSE false END
				RETURNING i.id
				""", Long.class, run.jobExecutionId(), inDoubt.stream().map(c -> Tokens.hashHex(c.token())).toArray(String[]::new),
				ids, inDoubt.stream().map(c -> c.expiresAt().toString()).toArray(String[]::new)));
		List<Claim> claims = inDoubt.stream().filter(c -> claimed.contains(c.invitation().id())).toList();
		events(run, claims.stream().map(c -> c.invitation().id()).toList(), "IN_DOUBT",
				"an earlier attempt was interrupted after its message may have left; sending again with a new link,"
						+ " the first link stays valid until one of them is used");
		return claims;
	}

	/** Messages sent in the last 24 hours, by one spec or by all. */
	public long sentInLastDay(String specName) {
		Long count = specName == null
				? jdbc.queryForObject("SELECT count(*) FROM invitation WHERE sent_at > now() - interval '24 hours'", Long.class)
				: jdbc.queryForObject("SELECT count(*) FROM invitation WHERE sent_at > now() - interval '24 hours' AND spec_name = ?",
						Long.class, specName);
		return count == null ? 0 : count;
	}

	/**
	 * When one more message fits a limit of this many in 24 hours again: once the limit-th newest send of the last
	 * 24 hours (of a spec, or of all) is a day old, counting the messages on their way as sent now.
	 */
	public Instant dailyLimitFreesAt(String specName, long limit, long onItsWay) {
		long newer = limit - 1 - onItsWay;
		List<Timestamp> at = newer < 0 ? List.of() : jdbc.queryForList("SELECT sent_at + interval '24 hours'"
				+ " FROM invitation WHERE sent_at > now() - interval '24 hours'"
				+ (specName == null ? "" : " AND spec_name = ?") + " ORDER BY sent_at DESC OFFSET ? LIMIT 1",
				Timestamp.class, specName == null ? new Object[] { newer } : new Object[] { specName, newer });
		return at.isEmpty() ? Instant.now().plus(1, ChronoUnit.DAYS) : at.get(0).toInstant();
	}

	private void recordSkips(RunContext run, List<Object[]> skipped) {
		if (skipped.isEmpty()) {
			return;
		}
		jdbc.batchUpdate("""
				UPDATE invitation SET status = 'SKIPPED', token_hash = NULL, closed_at = now()
				WHERE id = ? AND status IN ('QUEUED', 'SENDING')
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

	/** Records what the server said, a temporary refusal leaving the invitation DEFERRED at once. */
	public void record(RunContext run, List<Outcome> outcomes, List<Claim> notSent, String whyNotSent) {
		record(run, outcomes, notSent, whyNotSent, null);
	}

	/**
	 * The invitations a recording put back in the queue for a later pass of the run.
	 *
	 * @param ids the invitations
	 * @param until when the last of them is due
	 */
	public record Requeued(Set<Long> ids, Instant until) {

		static final Requeued NONE = new Requeued(Set.of(), null);

	}

	/**
	 * Records what the server said. Accepted messages are SENT with their token and never sent again; refused ones
	 * are FAILED or DEFERRED, their token revoked. A temporary refusal of the recipient goes back to QUEUED, due
	 * after a backoff, for a later pass of the run, until {@code retry} has no retries left for it; then it is
	 * DEFERRED with the server's last reply. Messages never handed to the server stay QUEUED without a token,
	 * so a restart sends them. An invitation that left its claimed state meanwhile (cancelled while its message
	 * was on its way) keeps its new state; its history and report still say what the server answered. The chunks'
	 * claims end here.
	 * <p>
	 * Every statement here finds its rows by primary key only. A plain condition on the status would let
	 * PostgreSQL use the queue's partial index instead, and read the whole queue for each chunk: conditions on the
	 * status are written as CASE expressions, which no partial index matches.
	 *
	 * @param retry the backoff of temporary refusals, or null to leave them DEFERRED at once
	 * @return those put back in the queue
	 */
	public Requeued record(RunContext run, List<Outcome> outcomes, List<Claim> notSent, String whyNotSent,
			InvitationsProperties.Retry retry) {
		byPrimaryKeyOnly();
		int n = outcomes.size();
		Long[] ids = new Long[n];
		String[] statuses = new String[n];
		String[] replies = new String[n];
		String[] details = new String[n];
		String[] reasons = new String[n];
		String[] hashes = new String[n];
		String[] expiries = new String[n];
		for (int i = 0; i < n; i++) {
			Outcome outcome = outcomes.get(i);
			ids[i] = outcome.claim().invitation().id();
			statuses[i] = outcome.result().status().name();
			replies[i] = outcome.result().reply();
			hashes[i] = Tokens.hashHex(outcome.claim().token());
			expiries[i] = outcome.claim().expiresAt().toString();
			boolean sent = outcome.result().status() == SendResult.Status.SENT;
			details[i] = replies[i] + (outcome.claim().inDoubt() && sent
					? " (in doubt: an interrupted earlier attempt may also have arrived)" : "");
			reasons[i] = switch (outcome.result().status()) {
				case SENT -> outcome.claim().inDoubt() || outcome.result().inDoubt() ? "IN_DOUBT" : null;
				case FAILED -> "SMTP_REJECTED";
				case DEFERRED -> "SMTP_TEMPORARY";
			};
		}
		Set<Long> requeued = new HashSet<>();
		Instant until = null;
		if (n > 0) {
			// Only if still as claimed: QUEUED (a chunk's claim), or SENDING by this execution (in doubt). Written
			// as a CASE, which PostgreSQL cannot match to the queue's partial index: as a plain condition on the
			// status it read the whole queue for each chunk (38 s per chunk at 89,000 rows). A temporary refusal with
			// retries left ("again") goes back to the queue, due after the backoff, its attempt not counted as a send.
			Map<Long, String> updated = new HashMap<>();
			List<Instant> due = new ArrayList<>();
			jdbc.query("""
					WITH s AS (SELECT ?::integer AS retries, ?::float8 AS delay, ?::float8 AS multiplier,
					                  ?::float8 AS max_delay, ?::float8 AS jitter)
					UPDATE invitation i
					   SET status = CASE WHEN t.status = 'DEFERRED' AND i.temporary_refusals < s.retries THEN 'QUEUED'
					                     ELSE t.status END,
					       last_smtp_reply = t.reply,
					       attempt_count = i.attempt_count
					           + CASE WHEN t.status = 'DEFERRED' AND i.temporary_refusals < s.retries THEN 0 ELSE 1 END,
					       temporary_refusals = CASE WHEN t.status = 'DEFERRED' AND i.temporary_refusals < s.retries
					                                 THEN i.temporary_refusals + 1 ELSE 0 END,
					       retry_at = CASE WHEN t.status = 'DEFERRED' AND i.temporary_refusals < s.retries
					                       THEN now() + make_interval(secs => least(s.delay * power(s.multiplier, i.temporary_refusals),
					                                                                s.max_delay) + random() * s.jitter) END,
					       sent_at = CASE WHEN t.status = 'SENT' THEN now() ELSE i.sent_at END,
					       token_hash = CASE WHEN t.status = 'SENT' THEN decode(t.hash, 'hex') END,
					       expires_at = CASE WHEN t.status = 'SENT' THEN t.expires
					                         WHEN t.status = 'DEFERRED' AND i.temporary_refusals < s.retries THEN NULL
					                         ELSE i.expires_at END,
					       closed_at = CASE WHEN t.status = 'FAILED' THEN now() END
					FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::timestamptz[]) AS t(id, status, reply, hash, expires), s
					WHERE i.id = t.id
					  AND CASE i.status WHEN 'QUEUED' THEN true WHEN 'SENDING' THEN i.sending_execution_id = ? ELSE false END
					RETURNING i.id, i.status, i.retry_at
					""", (RowCallbackHandler) rs -> {
				updated.put(rs.getLong(1), rs.getString(2));
				Timestamp at = rs.getTimestamp(3);
				if ("QUEUED".equals(rs.getString(2)) && at != null) {
					requeued.add(rs.getLong(1));
					due.add(at.toInstant());
				}
			}, retry == null ? 0 : retry.maxRetries(), retry == null ? 0 : seconds(retry.delay()),
					retry == null ? 1 : retry.multiplier(), retry == null ? 0 : seconds(retry.maxDelay()),
					retry == null ? 0 : seconds(retry.jitter()), ids, statuses, replies, hashes, expiries, run.jobExecutionId());
			until = due.stream().max(Instant::compareTo).orElse(null);
			String[] outcomesReported = statuses.clone();
			for (int i = 0; i < n; i++) {
				if (requeued.contains(ids[i])) {
					details[i] = replies[i] + "; tried again later in this run";
					outcomesReported[i] = "QUEUED";
				}
			}
			// A link that will not open is remembered by its hash, so that a refused redeem can be explained: that of
			// a refused message, and that of a message accepted for an invitation cancelled while it was on its way. A
			// message to be tried again had no link that left: a new one is issued when it is claimed again.
			List<Integer> revoked = new ArrayList<>();
			List<String> why = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				boolean sent = "SENT".equals(statuses[i]);
				if (updated.containsKey(ids[i]) != sent && !requeued.contains(ids[i])) {
					revoked.add(i);
					why.add(sent ? "CANCELLED" : "FAILED");
				}
			}
			if (!revoked.isEmpty()) {
				jdbc.update("""
						INSERT INTO retired_token (token_hash, invitation_id, reason)
						SELECT decode(t.hash, 'hex'), t.id, t.reason FROM unnest(?::text[], ?::bigint[], ?::text[]) AS t(hash, id, reason)
						ON CONFLICT DO NOTHING
						""", revoked.stream().map(i -> hashes[i]).toArray(String[]::new),
						revoked.stream().map(i -> ids[i]).toArray(Long[]::new), why.toArray(String[]::new));
			}
			// One statement per table for the whole chunk: the history event and the report row.
			jdbc.update("""
					INSERT INTO invitation_event (invitation_id, type, actor, detail)
					SELECT t.id, t.status, ?, t.detail FROM unnest(?::bigint[], ?::text[], ?::text[]) AS t(id, status, detail)
					""", run.actor(), ids, statuses, details);
			// Each report row is looked up through its invitation, one by one (a lateral subquery PostgreSQL cannot
			// flatten; "+ 0" keeps the run's own index out of it), then updated by its key. Statistics never know the rows of a run under way: as a plain join,
			// PostgreSQL chose to read every row of the run so far for each chunk, through the run's index or
			// through the invitations' (2 s per chunk at 20,000 rows, growing), instead of 12 ms this way.
			jdbc.update("""
					UPDATE job_report_item r SET outcome = t.status, reason = t.reason, detail = t.detail,
					       job_execution_id = ?, updated_at = now()
					FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[]) AS t(id, status, reason, detail)
					CROSS JOIN LATERAL (SELECT x.id FROM job_report_item x
					                    WHERE x.invitation_id = t.id AND x.job_instance_id + 0 = ? LIMIT 1) AS found
					WHERE r.id = found.id
					""", run.jobExecutionId(), ids, outcomesReported, reasons, details, run.jobInstanceId());
		}
		if (!notSent.isEmpty()) {
			// A chunk's claim ends with its row below; an invitation in doubt gives up the claim on its own row.
			jdbc.update("""
					UPDATE invitation SET status = 'QUEUED', token_hash = NULL, expires_at = NULL
					WHERE id = ANY(?) AND CASE status WHEN 'SENDING' THEN sending_execution_id = ? ELSE false END
					""", notSent.stream().map(c -> c.invitation().id()).toArray(Long[]::new), run.jobExecutionId());
			events(run, List.of(notSent.get(0).invitation().id()), "DEFERRED", whyNotSent);
		}
		Long[] batches = Stream.concat(outcomes.stream().map(Outcome::claim), notSent.stream())
			.map(Claim::batch)
			.filter(batch -> batch != 0)
			.distinct()
			.toArray(Long[]::new);
		if (batches.length > 0) {
			jdbc.update("DELETE FROM delivery_claim WHERE id = ANY(?)", (Object) batches);
		}
		return requeued.isEmpty() ? Requeued.NONE : new Requeued(requeued, until);
	}

	private static double seconds(java.time.Duration duration) {
		return duration.toNanos() / 1e9;
	}

	/**
	 * A chunk's statements touch a thousand rows of a table that may hold millions, always by key. While a run
	 * is young its statistics lag far behind the table, and PostgreSQL then prefers to read the whole table into
	 * a hash for each chunk (measured: 300 ms per chunk at 120,000 rows, growing with the table). Joins by hash or
	 * merge would likewise read a whole run to match a chunk. Within this transaction only, PostgreSQL is told to
	 * look each row up by key.
	 */
	private void byPrimaryKeyOnly() {
		jdbc.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
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
				WHERE invitation_id = ? AND job_instance_id + 0 = ?
				""", rows);
	}

}
