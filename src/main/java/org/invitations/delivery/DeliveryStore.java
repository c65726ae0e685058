package org.invitations.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.events.InvitationEvents;
import org.invitations.invitation.Backoff;
import org.invitations.invitation.Claimed;
import org.invitations.invitation.Delivered;
import org.invitations.invitation.Eligibility;
import org.invitations.invitation.InvitationStatus;
import org.invitations.invitation.InvitationStore;
import org.invitations.invitation.RunRef;
import org.invitations.invitation.Tokens;
import org.invitations.run.RunContext;
import org.invitations.spec.Kind;
import org.invitations.smtp.SendResult;
import org.invitations.mail.PendingInvitation;

/**
 * The deliver step's view of the invitation state around a send, each batch committed on
 * its own: a claim before the messages leave (tokens issued, eligibility checked again),
 * and the outcome after the server answered. The statements are the
 * {@link InvitationStore}'s; this class speaks in the step's terms (its items, the
 * server's results) and reads the daily limit.
 */
public class DeliveryStore {

	private final JdbcTemplate jdbc;

	private final InvitationStore invitations;

	/** Who holds the claims this store writes (see {@link RunRef#claimant()}). */
	private final long claimant;

	/**
	 * @param claimant the step execution whose claims these are; -1 for a store that only
	 * takes claims back
	 */
	public DeliveryStore(JdbcTemplate jdbc, InvitationEvents events, long claimant) {
		this.jdbc = jdbc;
		this.invitations = new InvitationStore(jdbc, events);
		this.claimant = claimant;
	}

	/**
	 * An invitation ready to be sent; the token lives only here and in the message.
	 *
	 * @param batch the {@code delivery_claim} row that claims it, or 0 for an invitation
	 * in doubt, which its own row claims
	 * @param tokenHash the token's SHA-256, computed once when it was claimed
	 * @param inDoubt an earlier attempt was cut off after its message may have left
	 */
	public record Claim(PendingInvitation invitation, String token, byte[] tokenHash, Instant expiresAt,
			boolean inDoubt, long batch) {

		public Claim(PendingInvitation invitation, String token, Instant expiresAt, boolean inDoubt, long batch) {
			this(invitation, token, Tokens.hash(token), expiresAt, inDoubt, batch);
		}

		@Override
		public String toString() {
			return "Claim[invitation=" + invitation.id() + ", inDoubt=" + inDoubt + "]";
		}

		Claimed claimed() {
			return new Claimed(invitation.id(), token, tokenHash, expiresAt, inDoubt, batch);
		}

	}

	/** Outcome of one claim. */
	public record Outcome(Claim claim, SendResult result) {
	}

	/**
	 * Turns the claims that an earlier execution of this run left behind when it died
	 * into SENDING invitations of that execution: their messages may have left, so they
	 * are sent again as in doubt. Called before any partition of the execution claims
	 * anything; only one execution of a run delivers at a time.
	 * @return how many invitations are in doubt now
	 */
	public int recoverClaims(RunContext run) {
		return invitations.recoverClaims(ref(run));
	}

	/**
	 * Takes back the claims of one partition of this execution that was lost (its worker
	 * died), as {@link #recoverClaims(RunContext)} does for a whole execution, while the
	 * other partitions go on.
	 * @return how many invitations are in doubt now
	 */
	public int recoverClaims(RunContext run, long lostClaimant) {
		return invitations.recoverClaims(ref(run), lostClaimant);
	}

	/**
	 * Starts writing the progress of the chunks on their way to their claims (see
	 * {@link ClaimProgress}).
	 */
	ClaimProgress trackProgress(TransactionTemplate ownTransaction, int window) {
		return new ClaimProgress(jdbc, ownTransaction, window);
	}

	/**
	 * Claims these invitations with a fresh token each (see
	 * {@link InvitationStore#claim}): those past SENDING are left out, those no longer
	 * eligible skipped.
	 */
	public List<Claim> claim(RunContext run, List<? extends PendingInvitation> items) {
		Map<Long, PendingInvitation> byId = new HashMap<>();
		items.forEach(item -> byId.putIfAbsent(item.id(), item));
		List<Claimed.Request> requests = items.stream()
			.map(item -> new Claimed.Request(item.id(), item.tokenTtl()))
			.toList();
		Eligibility rule = new Eligibility(run.spec().filters().activeEmail(), run.spec().filters().neverLoggedIn());
		return invitations.claim(ref(run), rule, requests)
			.stream()
			.map(c -> new Claim(byId.get(c.invitationId()), c.token(), c.tokenHash(), c.expiresAt(), c.inDoubt(),
					c.batch()))
			.toList();
	}

	/**
	 * Invitations claimed and not recorded yet, by every process that sends: they count
	 * against the daily limits as if sent.
	 */
	public long claimedNotRecorded() {
		Long count = jdbc.queryForObject(
				"SELECT coalesce(sum(cardinality(invitation_ids)), 0) FROM delivery_claim WHERE job_execution_id <> ?",
				Long.class, claimant);
		return count == null ? 0 : count;
	}

	/** Messages sent in the last 24 hours, by one spec or by all. */
	public long sentInLastDay(String specName) {
		Long count = specName == null
				? jdbc.queryForObject("SELECT count(*) FROM invitation WHERE sent_at > now() - interval '24 hours'",
						Long.class)
				: jdbc.queryForObject(
						"SELECT count(*) FROM invitation WHERE sent_at > now() - interval '24 hours' AND spec_name = ?",
						Long.class, specName);
		return count == null ? 0 : count;
	}

	/**
	 * When one more message fits a limit of this many in 24 hours again: once the
	 * limit-th newest send of the last 24 hours (of a spec, or of all) is a day old,
	 * counting the messages on their way as sent now.
	 */
	public Instant dailyLimitFreesAt(String specName, long limit, long onItsWay) {
		long newer = limit - 1 - onItsWay;
		List<Timestamp> at = newer < 0 ? List.of() : jdbc.queryForList(
				"SELECT sent_at + interval '24 hours'" + " FROM invitation WHERE sent_at > now() - interval '24 hours'"
						+ (specName == null ? "" : " AND spec_name = ?") + " ORDER BY sent_at DESC OFFSET ? LIMIT 1",
				Timestamp.class, specName == null ? new Object[] { newer } : new Object[] { specName, newer });
		return at.isEmpty() ? Instant.now().plus(1, ChronoUnit.DAYS) : at.get(0).toInstant();
	}

	/**
	 * Records what the server said, a temporary refusal leaving the invitation DEFERRED
	 * at once.
	 */
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
	 * Records what the server said (see {@link InvitationStore#record}): SENT, FAILED or
	 * DEFERRED, a temporary refusal back in the queue while {@code retry} has retries
	 * left for it; those never handed to the server stay QUEUED without a token. The
	 * chunks' claims end here.
	 * @param retry the backoff of temporary refusals, or null to leave them DEFERRED at
	 * once
	 * @return those put back in the queue
	 */
	public Requeued record(RunContext run, List<Outcome> outcomes, List<Claim> notSent, String whyNotSent,
			InvitationsProperties.Retry retry) {
		return record(run, outcomes, notSent, whyNotSent, retry, List.of());
	}

	/**
	 * Records as
	 * {@link #record(RunContext, List, List, String, InvitationsProperties.Retry)} does,
	 * and puts back those held back for their destination's turn: QUEUED without a token,
	 * as if never claimed, without a word in their history (nothing happened to them),
	 * for a later pass.
	 */
	public Requeued record(RunContext run, List<Outcome> outcomes, List<Claim> notSent, String whyNotSent,
			InvitationsProperties.Retry retry, List<Claim> heldBack) {
		List<Delivered> delivered = outcomes.stream()
			.map(o -> new Delivered(o.claim().claimed(), status(o.result().status()), o.result().reply(),
					o.result().inDoubt()))
			.toList();
		Backoff backoff = retry == null ? Backoff.NONE
				: new Backoff(retry.maxRetries(), retry.delay(), retry.multiplier(), retry.maxDelay(), retry.jitter());
		org.invitations.invitation.Requeued requeued = invitations.record(ref(run), delivered,
				notSent.stream().map(Claim::claimed).toList(), whyNotSent, backoff,
				heldBack.stream().map(Claim::claimed).toList());
		return requeued.ids().isEmpty() ? Requeued.NONE : new Requeued(requeued.ids(), requeued.until());
	}

	private static InvitationStatus status(SendResult.Status status) {
		return switch (status) {
			case SENT -> InvitationStatus.SENT;
			case FAILED -> InvitationStatus.FAILED;
			case DEFERRED -> InvitationStatus.DEFERRED;
		};
	}

	private RunRef ref(RunContext run) {
		return new RunRef(run.jobInstanceId(), run.jobExecutionId(), run.actor(), claimant);
	}

}
