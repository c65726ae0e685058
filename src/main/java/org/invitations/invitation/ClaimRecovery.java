package org.invitations.invitation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.run.RunContext;

/**
 * Ends the claims that an earlier execution of this run left behind when it died, using
 * the progress each claim holds (see {@code ClaimProgress}): an invitation whose outcome
 * the claim knows is recorded with it, one beyond its slice's allowance was certainly
 * never handed to the server and simply stays QUEUED, and only those in between may have
 * left without their outcome being known: they become SENDING invitations of that
 * execution, in doubt, and are sent again once. Claims without progress (written before
 * claims had any) are in doubt as a whole. A run that is abandoned instead has its claims
 * ended the same way first, so that its report says who was mailed.
 */
final class ClaimRecovery {

	private static final Logger log = LoggerFactory.getLogger(ClaimRecovery.class);

	private final JdbcTemplate jdbc;

	private final History events;

	private final ReportRows reports;

	ClaimRecovery(JdbcTemplate jdbc, History events, ReportRows reports) {
		this.jdbc = jdbc;
		this.events = events;
		this.reports = reports;
	}

	/** A claimed invitation and what its claim knows of it. */
	private record Held(long execution, long id, String hash, String claimedAt, char fate) {
	}

	/**
	 * @return how many invitations are in doubt now
	 */
	int recover(RunRef run) {
		return settle(run.jobInstanceId(), run.claimant(), null, run.jobExecutionId(), run.actor(), "restarted");
	}

	/**
	 * Ends the claims of one claimant of the run that is gone (a partition whose worker
	 * was lost) while the run's other claimants go on.
	 * @return how many invitations are in doubt now
	 */
	int recover(RunRef run, long goneClaimant) {
		return settle(run.jobInstanceId(), run.claimant(), goneClaimant, run.jobExecutionId(), run.actor(),
				"taken over");
	}

	/**
	 * Ends every claim of a run that is being abandoned, as a restart would: what the
	 * server accepted is SENT, what it refused FAILED, what was never handed to it stays
	 * QUEUED, and those in between become SENDING of the execution that died. Call it
	 * before the run's queue is cancelled, in the same transaction.
	 * @return how many invitations are in doubt now
	 */
	int abandon(long instanceId, String actor) {
		return settle(instanceId, -1, null, null, actor, "abandoned");
	}

	/**
	 * @param live the claimant whose own claims stay (-1: none)
	 * @param only the one claimant whose claims end (null: every other)
	 * @param recording the execution the report rows are recorded by (null: as they are)
	 * @param occasion how the run went on, in the detail of those recorded as sent
	 */
	private int settle(long instance, long live, Long only, Long recording, String actor, String occasion) {
		int wholeClaims = recoverWholeClaims(instance, live, only);
		InvitationStore.byPrimaryKeyOnly(jdbc);
		// Slice s holds positions s, s + slices, ... (0-based) of the claim, in order:
		// the k-th of them is known if k
		// is below the length of its outcomes, may have left if below its allowance, and
		// was never handed otherwise.
		List<Held> claimed = new ArrayList<>();
		jdbc.query(
				"""
						WITH dead AS (
						    DELETE FROM delivery_claim WHERE delivery_instance_id = ? AND job_execution_id <> ?
						      AND job_execution_id = coalesce(?::bigint, job_execution_id)
						    RETURNING job_execution_id, claimed_at, invitation_ids, token_hashes, slices, allowance, outcomes),
						positioned AS (
						    SELECT d.job_execution_id, d.claimed_at, t.id, t.hash, d.outcomes[(t.n - 1) % d.slices + 1] AS known,
						           d.allowance[(t.n - 1) % d.slices + 1] AS allowed, ((t.n - 1) / d.slices)::integer AS k
						    FROM dead d, unnest(d.invitation_ids, d.token_hashes) WITH ORDINALITY AS t(id, hash, n))
						SELECT job_execution_id, id, encode(hash, 'hex'), claimed_at::text,
						       CASE WHEN k < length(known) THEN substr(known, k + 1, 1) WHEN k < allowed THEN '?' ELSE 'Q' END
						FROM positioned
						""",
				(RowCallbackHandler) rs -> claimed.add(new Held(rs.getLong(1), rs.getLong(2), rs.getString(3),
						rs.getString(4), rs.getString(5).charAt(0))),
				instance, live, only);
		if (claimed.isEmpty()) {
			return wholeClaims;
		}
		int inDoubt = inDoubt(claimed.stream().filter(c -> c.fate() == '?').toList());
		Recorder recorder = new Recorder(instance, recording, actor);
		int accepted = accepted(recorder, occasion,
				claimed.stream().filter(c -> c.fate() == 'S' || c.fate() == 'I').toList());
		int refused = refused(recorder, claimed.stream().filter(c -> c.fate() == 'F').toList());
		long untouched = claimed.stream().filter(c -> c.fate() == 'Q' || c.fate() == 'D' || c.fate() == 'H').count();
		log.info(
				"Claims of an earlier execution: {} accepted and {} refused by the server are recorded as such, {} never"
						+ " handed to it (or refused for now, or held back for their destination) stay queued, {} may have left and are in doubt",
				accepted, refused, untouched, inDoubt);
		return wholeClaims + inDoubt;
	}

	/**
	 * As before claims had progress: every invitation of a dead execution's claim in
	 * doubt.
	 */
	private int recoverWholeClaims(long instanceId, long liveExecutionId, Long only) {
		// Those cancelled since have their link, which may have arrived, remembered as
		// cancelled.
		return jdbc.update(
				"""
						WITH dead AS (
						    DELETE FROM delivery_claim WHERE delivery_instance_id = ? AND job_execution_id <> ? AND slices IS NULL
						      AND job_execution_id = coalesce(?::bigint, job_execution_id)
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
						""",
				instanceId, liveExecutionId, only);
	}

	/**
	 * As a whole claim was before: SENDING of the execution that died, its link
	 * remembered as cancelled if so.
	 */
	private int inDoubt(List<Held> claimed) {
		if (claimed.isEmpty()) {
			return 0;
		}
		Long[] ids = claimed.stream().map(Held::id).toArray(Long[]::new);
		String[] hashes = claimed.stream().map(Held::hash).toArray(String[]::new);
		Long[] executions = claimed.stream().map(Held::execution).toArray(Long[]::new);
		// Those cancelled since have their link, which may have arrived, remembered as
		// cancelled.
		jdbc.update("""
				INSERT INTO retired_token (token_hash, invitation_id, reason)
				SELECT decode(t.hash, 'hex'), t.id, 'CANCELLED' FROM unnest(?::bigint[], ?::text[]) AS t(id, hash)
				JOIN invitation i ON i.id = t.id
				WHERE CASE i.status WHEN 'QUEUED' THEN false ELSE true END
				ON CONFLICT DO NOTHING
				""", ids, hashes);
		return jdbc.update(
				"""
						UPDATE invitation i SET status = 'SENDING', token_hash = decode(t.hash, 'hex'), sending_execution_id = t.execution
						FROM unnest(?::bigint[], ?::text[], ?::bigint[]) AS t(id, hash, execution)
						WHERE i.id = t.id AND CASE i.status WHEN 'QUEUED' THEN true ELSE false END
						""",
				ids, hashes, executions);
	}

	/**
	 * Accepted by the server before the execution died: SENT with the link it carried,
	 * which expires when the message said (claimed at, plus the invitation's lifetime).
	 * One cancelled since keeps its state, its link retired.
	 */
	private int accepted(Recorder run, String occasion, List<Held> claimed) {
		if (claimed.isEmpty()) {
			return 0;
		}
		String reply = "accepted by the server; recorded when the run was " + occasion + " after execution "
				+ claimed.get(0).execution() + " stopped";
		Long[] ids = claimed.stream().map(Held::id).toArray(Long[]::new);
		String[] hashes = claimed.stream().map(Held::hash).toArray(String[]::new);
		Set<Long> updated = new HashSet<>(jdbc.queryForList(
				"""
						UPDATE invitation i
						   SET status = 'SENT', last_smtp_reply = ?, attempt_count = i.attempt_count + 1, temporary_refusals = 0,
						       retry_at = NULL, sent_at = now(), token_hash = decode(t.hash, 'hex'),
						       expires_at = t.claimed + extract(epoch FROM i.token_ttl)::bigint * interval '1 second', closed_at = NULL
						FROM unnest(?::bigint[], ?::text[], ?::timestamptz[]) AS t(id, hash, claimed)
						WHERE i.id = t.id AND CASE i.status WHEN 'QUEUED' THEN true ELSE false END
						RETURNING i.id
						""",
				Long.class, reply, ids, hashes, claimed.stream().map(Held::claimedAt).toArray(String[]::new)));
		retire(claimed.stream().filter(c -> !updated.contains(c.id())).toList(), RetiredBecause.CANCELLED);
		String[] statuses = claimed.stream().map(c -> InvitationStatus.SENT.dbValue()).toArray(String[]::new);
		String[] reasons = claimed.stream()
			.map(c -> c.fate() == 'I' ? DeliveryReason.IN_DOUBT.dbValue() : null)
			.toArray(String[]::new);
		String[] details = claimed.stream()
			.map(c -> c.fate() == 'I' ? reply + " (in doubt: no reply came to its first attempt)" : reply)
			.toArray(String[]::new);
		history(run, ids, statuses, reasons, details);
		return updated.size();
	}

	/** Refused by the server before the execution died: FAILED, its link retired. */
	private int refused(Recorder run, List<Held> claimed) {
		if (claimed.isEmpty()) {
			return 0;
		}
		String reply = "refused by the server; its reply was lost when execution " + claimed.get(0).execution()
				+ " stopped";
		Long[] ids = claimed.stream().map(Held::id).toArray(Long[]::new);
		int updated = jdbc.update("""
				UPDATE invitation i SET status = 'FAILED', last_smtp_reply = ?, attempt_count = i.attempt_count + 1,
				       temporary_refusals = 0, retry_at = NULL, token_hash = NULL, closed_at = now()
				WHERE i.id = ANY(?) AND CASE i.status WHEN 'QUEUED' THEN true ELSE false END
				""", reply, ids);
		retire(claimed, RetiredBecause.FAILED);
		history(run, ids, claimed.stream().map(c -> InvitationStatus.FAILED.dbValue()).toArray(String[]::new),
				claimed.stream().map(c -> DeliveryReason.SMTP_REJECTED.dbValue()).toArray(String[]::new),
				claimed.stream().map(c -> reply).toArray(String[]::new));
		return updated;
	}

	private void retire(List<Held> claimed, RetiredBecause reason) {
		if (claimed.isEmpty()) {
			return;
		}
		jdbc.update("""
				INSERT INTO retired_token (token_hash, invitation_id, reason)
				SELECT decode(t.hash, 'hex'), t.id, ? FROM unnest(?::text[], ?::bigint[]) AS t(hash, id)
				ON CONFLICT DO NOTHING
				""", reason.dbValue(), claimed.stream().map(Held::hash).toArray(String[]::new),
				claimed.stream().map(Held::id).toArray(Long[]::new));
	}

	/**
	 * Who records the outcomes: the run's instance, the execution its report rows go to
	 * (null: theirs), the actor.
	 */
	private record Recorder(long jobInstanceId, Long jobExecutionId, String actor) {
	}

	/** The history event and the report row of each, as a chunk's outcome writes them. */
	private void history(Recorder run, Long[] ids, String[] statuses, String[] reasons, String[] details) {
		events.add(ids, statuses, run.actor(), details);
		reports.update(run.jobInstanceId(), run.jobExecutionId(), ids, statuses, reasons, details);
	}

}
