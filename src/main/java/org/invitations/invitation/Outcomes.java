package org.invitations.invitation;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.events.EventKind;
import org.invitations.events.InvitationEvents;

/**
 * Records what the server said of a chunk's messages. Accepted messages are SENT with
 * their token and never sent again; refused ones are FAILED or DEFERRED, their token
 * revoked. A temporary refusal of the recipient goes back to QUEUED, due after a backoff,
 * for a later pass of the run, until the backoff has no retries left for it; then it is
 * DEFERRED with the server's last reply. Messages never handed to the server stay QUEUED
 * without a token, so a restart sends them. An invitation that left its claimed state
 * meanwhile (cancelled while its message was on its way) keeps its new state; its history
 * and report still say what the server answered. The chunks' claims end here.
 * <p>
 * Every statement here finds its rows by primary key only. A plain condition on the
 * status would let PostgreSQL use the queue's partial index instead, and read the whole
 * queue for each chunk: conditions on the status are written as CASE expressions, which
 * no partial index matches.
 */
final class Outcomes {

	private final JdbcTemplate jdbc;

	private final History history;

	private final ReportRows reports;

	private final InvitationEvents events;

	Outcomes(JdbcTemplate jdbc, History history, ReportRows reports, InvitationEvents events) {
		this.jdbc = jdbc;
		this.history = history;
		this.reports = reports;
		this.events = events;
	}

	Requeued record(RunRef run, List<Delivered> outcomes, List<Claimed> notSent, @Nullable String whyNotSent,
			Backoff retry, List<Claimed> heldBack) {
		InvitationStore.byPrimaryKeyOnly(jdbc);
		int n = outcomes.size();
		Long[] ids = new Long[n];
		String[] statuses = new String[n];
		String[] replies = new String[n];
		String[] details = new String[n];
		String[] reasons = new String[n];
		byte[][] hashes = new byte[n][];
		// In microseconds since the epoch: the text of an Instant cost a formatting here
		// and a parse in the server for every message.
		Long[] expiries = new Long[n];
		for (int i = 0; i < n; i++) {
			Delivered outcome = outcomes.get(i);
			ids[i] = outcome.claim().invitationId();
			statuses[i] = outcome.status().dbValue();
			replies[i] = outcome.reply();
			hashes[i] = outcome.claim().tokenHash();
			expiries[i] = ChronoUnit.MICROS.between(Instant.EPOCH, outcome.claim().expiresAt());
			boolean sent = outcome.status() == InvitationStatus.SENT;
			details[i] = replies[i] + (outcome.claim().inDoubt() && sent
					? " (in doubt: an interrupted earlier attempt may also have arrived)" : "");
			DeliveryReason reason = switch (outcome.status()) {
				case SENT -> outcome.claim().inDoubt() || outcome.replyInDoubt() ? DeliveryReason.IN_DOUBT : null;
				case FAILED -> DeliveryReason.SMTP_REJECTED;
				default -> DeliveryReason.SMTP_TEMPORARY;
			};
			reasons[i] = reason == null ? null : reason.dbValue();
		}
		Set<Long> requeued = new HashSet<>();
		Instant until = null;
		if (n > 0) {
			// Only if still as claimed: QUEUED (a chunk's claim), or SENDING by this
			// execution (in doubt). Written as a CASE, which PostgreSQL cannot match to
			// the queue's partial index: as a plain condition on the status it read the
			// whole queue for each chunk (38 s per chunk at 89,000 rows). A temporary
			// refusal with retries left ("again") goes back to the queue, due after the
			// backoff, its attempt not counted as a send. A send keeps the time its last
			// temporary refusal was due (retry_at): the row then tells that this run
			// tried
			// it before, which its report row says meanwhile (QUEUED, with a reason).
			Map<Long, String> updated = new HashMap<>();
			Set<Long> toldByTheRow = new HashSet<>();
			List<Instant> due = new ArrayList<>();
			jdbc.query(
					"""
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
							                                                                s.max_delay) + random() * s.jitter)
							                       WHEN t.status = 'SENT' THEN i.retry_at END,
							       sent_at = CASE WHEN t.status = 'SENT' THEN now() ELSE i.sent_at END,
							       token_hash = CASE WHEN t.status = 'SENT' THEN t.hash END,
							       expires_at = CASE WHEN t.status = 'SENT' THEN timestamptz 'epoch' + t.expires * interval '1 microsecond'
							                         WHEN t.status = 'DEFERRED' AND i.temporary_refusals < s.retries THEN NULL
							                         ELSE i.expires_at END,
							       closed_at = CASE WHEN t.status = 'FAILED' THEN now() END
							FROM unnest(?::bigint[], ?::text[], ?::text[], ?::bytea[], ?::bigint[]) AS t(id, status, reply, hash, expires), s
							WHERE i.id = t.id
							  AND CASE i.status WHEN 'QUEUED' THEN true WHEN 'SENDING' THEN i.sending_execution_id = ? ELSE false END
							RETURNING i.id, i.status, i.retry_at,
							          i.job_execution_id = ? AND i.resent_at IS NULL AND (i.status <> 'SENT' OR i.retry_at IS NULL)
							""",
					(RowCallbackHandler) rs -> {
						updated.put(rs.getLong(1), rs.getString(2));
						if (rs.getBoolean(4)) {
							toldByTheRow.add(rs.getLong(1));
						}
						Timestamp at = rs.getTimestamp(3);
						if (InvitationStatus.QUEUED.dbValue().equals(rs.getString(2)) && at != null) {
							requeued.add(rs.getLong(1));
							due.add(at.toInstant());
						}
					}, retry.maxRetries(), seconds(retry.delay()), retry.multiplier(), seconds(retry.maxDelay()),
					seconds(retry.jitter()), ids, statuses, replies, hashes, expiries, run.claimant(),
					run.jobExecutionId());
			until = due.stream().max(Instant::compareTo).orElse(null);
			String[] outcomesReported = statuses.clone();
			for (int i = 0; i < n; i++) {
				if (requeued.contains(ids[i])) {
					details[i] = replies[i] + "; tried again later in this run";
					outcomesReported[i] = ReportOutcome.QUEUED.dbValue();
				}
			}
			// A link that will not open is remembered by its hash, so that a refused
			// redeem can be explained: that of a refused message, and that of a message
			// accepted for an invitation cancelled while it was on its way. A message to
			// be tried again had no link that left: a new one is issued when it is
			// claimed again.
			List<Integer> revoked = new ArrayList<>();
			List<String> why = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				boolean sent = InvitationStatus.SENT.dbValue().equals(statuses[i]);
				if (updated.containsKey(ids[i]) != sent && !requeued.contains(ids[i])) {
					revoked.add(i);
					why.add((sent ? RetiredBecause.CANCELLED : RetiredBecause.FAILED).dbValue());
				}
			}
			if (!revoked.isEmpty()) {
				jdbc.update(
						"""
								INSERT INTO retired_token (token_hash, invitation_id, reason)
								SELECT t.hash, t.id, t.reason FROM unnest(?::bytea[], ?::bigint[], ?::text[]) AS t(hash, id, reason)
								ON CONFLICT DO NOTHING
								""",
						revoked.stream().map(i -> hashes[i]).toArray(byte[][]::new),
						revoked.stream().map(i -> ids[i]).toArray(Long[]::new), why.toArray(String[]::new));
			}
			// One statement per table for the whole chunk: the history entries and the
			// report rows. A send the invitation row tells all of (when, by the run
			// that queued it, the server's reply) has no entry: the history reads it
			// from the row (V46).
			IntPredicate toldAlone = i -> InvitationStatus.SENT.dbValue().equals(updated.get(ids[i]))
					&& toldByTheRow.contains(ids[i]) && details[i].equals(replies[i]);
			int[] entries = IntStream.range(0, n).filter(toldAlone.negate()).toArray();
			history.add(Arrays.stream(entries).mapToObj(i -> ids[i]).toArray(Long[]::new),
					Arrays.stream(entries).mapToObj(i -> statuses[i]).toArray(String[]::new), run.actor(),
					Arrays.stream(entries).mapToObj(i -> details[i]).toArray(String[]::new));
			if (events.on(EventKind.SENT)) {
				// Those this chunk made SENT, in one statement for the chunk.
				List<Long> sent = new ArrayList<>();
				updated.forEach((id, status) -> {
					if (InvitationStatus.SENT.dbValue().equals(status)) {
						sent.add(id);
					}
				});
				events.record(jdbc, EventKind.SENT, sent, run.actor());
			}
			// The report row of such a send, unless its reply left it in doubt, says
			// QUEUED, and job_report_row reads SENT from the invitation (V48): only the
			// totals move.
			int[] rows = IntStream.range(0, n).filter(i -> !(toldAlone.test(i) && reasons[i] == null)).toArray();
			reports.sentAsQueued(run.jobInstanceId(), n - rows.length);
			reports.update(run.jobInstanceId(), run.jobExecutionId(),
					Arrays.stream(rows).mapToObj(i -> ids[i]).toArray(Long[]::new),
					Arrays.stream(rows).mapToObj(i -> outcomesReported[i]).toArray(String[]::new),
					Arrays.stream(rows).mapToObj(i -> reasons[i]).toArray(String[]::new),
					Arrays.stream(rows).mapToObj(i -> details[i]).toArray(String[]::new));
		}
		if (!notSent.isEmpty()) {
			// A chunk's claim ends with its row below; an invitation in doubt gives up
			// the claim on its own row.
			jdbc.update("""
					UPDATE invitation SET status = 'QUEUED', token_hash = NULL, expires_at = NULL
					WHERE id = ANY(?) AND CASE status WHEN 'SENDING' THEN sending_execution_id = ? ELSE false END
					""", notSent.stream().map(Claimed::invitationId).toArray(Long[]::new), run.claimant());
			history.add(List.of(notSent.get(0).invitationId()), EventType.DEFERRED, run.actor(), whyNotSent);
		}
		// Those held back for their destination's turn were QUEUED all along (a chunk's
		// claim holds no row's state): ending the claim puts them back.
		Long[] batches = Stream
			.concat(Stream.concat(outcomes.stream().map(Delivered::claim), notSent.stream()), heldBack.stream())
			.map(Claimed::batch)
			.filter(batch -> batch != 0)
			.distinct()
			.toArray(Long[]::new);
		if (batches.length > 0) {
			jdbc.update("DELETE FROM delivery_claim WHERE id = ANY(?)", (Object) batches);
		}
		return requeued.isEmpty() ? Requeued.NONE : new Requeued(requeued, until);
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

}
