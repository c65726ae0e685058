package org.invitations.invitation;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.EventKind;
import org.invitations.events.InvitationEvents;
import org.invitations.spec.Kind;

/**
 * The one owner of every statement that changes an invitation's state, from QUEUED to its
 * end: <pre>
 * queue ─▶ QUEUED ─claim─▶ (claimed) ─record─▶ SENT ─redeem─▶ ACCEPTED
 *            ▲  ▲                          ├─▶ FAILED, DEFERRED   ├─expire─▶ EXPIRED
 *            │  └── temporary refusal ◀────┘                      └─remind─▶ SENT (new link)
 *            └──── resend ◀── SENT, EXPIRED, DEFERRED, FAILED, BOUNCED
 * hard bounce: SENT, EXPIRED ─▶ BOUNCED (and the address suppressed)
 * cancel, abandon: any open one ─▶ CANCELLED         claim: no longer eligible ─▶ SKIPPED
 * </pre> An admin's cancel may also put the address on the suppression list
 * ({@link Suppressions}), which the rule of who may be sent a link asks first. Each
 * transition names the statuses it starts from, so a refused one changes nothing. The
 * statements live in small classes of this package by transition group ({@link Queueing},
 * {@link Claims}, {@link Outcomes}, {@link ClaimRecovery}, {@link Closing},
 * {@link Links}); every caller outside it comes through here. History entries are written
 * with each change, report rows through {@link ReportRows}, and the host application's
 * events ({@link InvitationEvents}: sent, accepted, expired, cancelled, reminded) in the
 * same transaction.
 */
public class InvitationStore {

	/**
	 * The CTE {@code found(invitation_id, earlier)} of the invitation a token hash (bound
	 * twice) opens.
	 */
	public static final String FOUND_BY_TOKEN = Links.FOUND;

	private final History history;

	private final ReportRows reports;

	private final Queueing queueing;

	private final Claims claims;

	private final Outcomes outcomes;

	private final ClaimRecovery recovery;

	private final Closing closing;

	private final Links links;

	private final Suppressions suppressions;

	private final Bouncing bouncing;

	private final JdbcTemplate jdbc;

	private final InvitationEvents events;

	/**
	 * @param events the host application's events, written with the changes they tell of
	 * ({@link InvitationEvents#OFF} where none is made: queueing, resending, purging)
	 */
	public InvitationStore(JdbcTemplate jdbc, InvitationEvents events) {
		this.jdbc = jdbc;
		this.events = events;
		this.history = new History(jdbc);
		this.reports = new ReportRows(jdbc);
		this.queueing = new Queueing(jdbc, history, events);
		this.claims = new Claims(jdbc, history, reports);
		this.outcomes = new Outcomes(jdbc, history, reports, events);
		this.recovery = new ClaimRecovery(jdbc, history, reports);
		this.closing = new Closing(jdbc, history, reports, recovery, events);
		this.links = new Links(jdbc, events);
		this.suppressions = new Suppressions(jdbc);
		this.bouncing = new Bouncing(jdbc, history, reports, suppressions);
	}

	/** An open invitation of a person. */
	public record Open(long id, Kind kind, InvitationStatus status, @Nullable Instant expiresAt) {

		/**
		 * Sent and past its expiry, still stored as sent (V44): a new one may replace it.
		 */
		public boolean isStale(Instant now) {
			return status == InvitationStatus.SENT && expiresAt != null && !expiresAt.isAfter(now);
		}

	}

	/**
	 * What the invitations a selection queues have in common: the role they grant, their
	 * link's lifetime, their source.
	 */
	public record Source(long roleId, String roleName, Duration tokenTtl, String specName, String kind, String ref) {
	}

	/** One person to queue an invitation for, to the address it is for. */
	public record ToQueue(long personId, Kind kind, @Nullable Long line, String email, String emailNormalized) {
	}

	/**
	 * A redeemed invitation; {@code earlier}: by a link kept from an interrupted attempt.
	 */
	public record Accepted(long invitationId, long personId, Kind kind, String email, @Nullable String firstName,
			boolean earlier, boolean hasEarlier) {
	}

	/**
	 * How many invitations a cancel closed, and how many addresses it added to the
	 * suppression list (those suppressed already are not counted).
	 */
	public record Cancelled(int cancelled, int suppressed) {
	}

	/**
	 * How many token hashes one purge batch forgot: of invitations, retired ones, earlier
	 * links.
	 */
	public record Purged(int invitations, int retired, int earlier) {
	}

	/**
	 * How many report rows one purge batch deleted, and how many runs it began to purge.
	 */
	public record ReportsPurged(long rows, int runs) {
	}

	/**
	 * One batch of a history purge: the last invitation it reached, how many invitations'
	 * entries it deleted, and how many entries.
	 */
	public record HistoryPurged(long lastId, int invitations, long entries) {
	}

	/** The open invitations of these people, by person. */
	public Map<Long, List<Open>> openOf(Collection<Long> personIds) {
		return queueing.openOf(personIds);
	}

	/**
	 * Expires these sent invitations if they are past their expiry: new ones replace
	 * them.
	 */
	public void expireSuperseded(RunRef run, List<Long> ids) {
		queueing.expireSuperseded(run, ids);
	}

	/**
	 * Queues one invitation per person (granting its role): @return each queued person's
	 * invitation id.
	 */
	public Map<Long, Long> queue(RunRef run, Source source, List<ToQueue> people) {
		return queueing.queue(run, source, people);
	}

	/**
	 * Queues a sent, expired or undelivered invitation again, its old links
	 * retired: @return false if refused.
	 */
	public boolean resend(RunRef run, long invitationId, InvitationStatus was) {
		return queueing.requeue(run, invitationId, was.dbValue());
	}

	/**
	 * Claims these invitations with a fresh token each. Invitations already past SENDING
	 * are left out (a replay); those no longer {@linkplain Eligibility eligible}, or
	 * whose person's address changed, are SKIPPED. No row is locked: every write that
	 * follows names the status it expects, so one cancelled meanwhile keeps its new
	 * state.
	 */
	public List<Claimed> claim(RunRef run, Eligibility rule, List<Claimed.Request> items) {
		return claims.claim(run, rule, items);
	}

	/**
	 * Records what the server said of claimed messages, and puts back those never handed
	 * to it (see {@link Outcomes}).
	 */
	public Requeued record(RunRef run, List<Delivered> delivered, List<Claimed> notSent, @Nullable String whyNotSent,
			Backoff retry) {
		return outcomes.record(run, delivered, notSent, whyNotSent, retry, List.of());
	}

	/**
	 * Records as {@link #record(RunRef, List, List, String, Backoff)} does; those held
	 * back (never handed to the server, chunk claims only) end their claim and stay
	 * QUEUED without a word in their history.
	 */
	public Requeued record(RunRef run, List<Delivered> delivered, List<Claimed> notSent, @Nullable String whyNotSent,
			Backoff retry, List<Claimed> heldBack) {
		return outcomes.record(run, delivered, notSent, whyNotSent, retry, heldBack);
	}

	/**
	 * Ends the claims an earlier execution of this run left when it died: @return how
	 * many are in doubt now.
	 */
	public int recoverClaims(RunRef run) {
		return recovery.recover(run);
	}

	/**
	 * Ends the claims one claimant of this run left when it was lost, while the run's
	 * other claimants go on: @return how many are in doubt now.
	 */
	public int recoverClaims(RunRef run, long goneClaimant) {
		return recovery.recover(run, goneClaimant);
	}

	/**
	 * Cancels the open invitations of one id, or of a job execution's run: @return how
	 * many.
	 */
	public int cancel(@Nullable Long invitationId, @Nullable Long execution, String actor, String reason) {
		return closing.cancel(invitationId, execution, actor, reason).size();
	}

	/**
	 * Cancels as {@link #cancel} does and puts the address of each invitation cancelled
	 * on the suppression list (source {@code cancel of invitation N}, the reason as its
	 * detail), so that no later run invites it again; call in one transaction.
	 */
	public Cancelled cancelAndSuppress(@Nullable Long invitationId, @Nullable Long execution, String actor,
			String reason) {
		List<Long> ids = closing.cancel(invitationId, execution, actor, reason);
		return new Cancelled(ids.size(), suppressions.addForCancelled(ids, reason, actor));
	}

	/**
	 * Cancels what an abandoned run still had queued, its claims ended first: @return how
	 * many.
	 */
	public int abandonRun(long instanceId, String actor) {
		return closing.abandon(instanceId, actor);
	}

	/**
	 * Records a batch of the invitations that expired since the last batch (their history
	 * entries and events), without rewriting them: @return how many, by spec.
	 */
	public Map<String, Long> expireDue(int limit, String actor) {
		return closing.expireDue(limit, actor);
	}

	/**
	 * How many invitations expired and are not recorded yet, by spec, without recording
	 * them.
	 */
	public Map<String, Long> countDue() {
		return closing.countDue();
	}

	/** Forgets a batch of token hashes closed longer than {@code age} ago. */
	public Purged purge(Duration age, int limit) {
		return closing.purge(age.toNanos() / 1e9, limit);
	}

	/**
	 * Deletes a batch of the report rows of runs that ended longer than {@code age} ago;
	 * their totals stay (see {@link ReportRows}).
	 */
	public ReportsPurged purgeReportRows(Duration age, int limit) {
		return reports.purge(age.toNanos() / 1e9, limit);
	}

	/**
	 * Deletes the history entries of a batch of invitations closed longer than
	 * {@code age} ago, after invitation {@code afterId}; the invitations keep their
	 * status and times, and their history its QUEUED entry.
	 */
	public HistoryPurged purgeHistory(Duration age, long afterId, int limit) {
		return history.purge(age.toNanos() / 1e9, afterId, limit);
	}

	/**
	 * Accepts the invitation a token hash opens, if it is SENT and unexpired: @return it,
	 * or null if refused.
	 * @param actor who redeems it, kept by the invitation when its only link is used
	 */
	public @Nullable Accepted redeem(byte[] tokenHash, String actor) {
		return links.redeem(tokenHash, actor);
	}

	/**
	 * Gives a sent invitation the reminder's link, the first kept beside it: @return
	 * false if not SENT.
	 */
	public boolean remind(long invitationId, byte[] reminderHash) {
		return links.remind(invitationId, reminderHash);
	}

	/**
	 * Undoes {@link #remind}: the reminder never left; {@code remindAgain} lets a later
	 * run try again.
	 */
	public void unremind(long invitationId, byte[] firstHash, byte[] reminderHash, boolean remindAgain) {
		links.unremind(invitationId, firstHash, reminderHash, remindAgain);
	}

	/** A reminder's history entry and its row at the end of this run's report. */
	public void recordReminder(RunRef run, long invitationId, long personId, String email, Kind kind,
			ReportOutcome outcome, @Nullable Reason reason, String detail) {
		history.add(invitationId, EventType.REMINDED, run.actor(), detail);
		if (outcome == ReportOutcome.SENT) {
			events.record(jdbc, EventKind.REMINDED, List.of(invitationId), run.actor());
		}
		reports.append(run, invitationId, personId, email, kind.name(), outcome, reason, detail);
	}

	/**
	 * The address an invitation's message was sent to, as stored, or {@code null} when no
	 * such invitation was ever sent (a bounce naming it is not believed).
	 */
	public @Nullable String sentTo(long invitationId) {
		return bouncing.sentTo(invitationId);
	}

	/**
	 * Applies a bounce or complaint once (see {@link Bouncing}); call in one transaction.
	 */
	public BounceNotice.Applied applyBounce(BounceNotice notice) {
		return bouncing.apply(notice);
	}

	/** How many soft bounces each of these invitations had (absent: none). */
	public Map<Long, Integer> softBounces(Collection<Long> invitationIds) {
		return bouncing.softBounces(invitationIds);
	}

	/** Why each of these invitations bounced, for those that did. */
	public Map<Long, String> bounceDetails(Collection<Long> invitationIds) {
		return bouncing.bounceDetails(invitationIds);
	}

	/**
	 * A history entry that changes no state (a link looked at, a redeem refused, what was
	 * accepted with what).
	 */
	public void note(long invitationId, EventType type, String actor, String detail) {
		history.add(invitationId, type, actor, detail);
	}

	/**
	 * Adds to the report rows of an invitation sent in doubt which of its links was used.
	 */
	public void noteAcceptedLink(long invitationId, String note) {
		reports.noteAccepted(invitationId, note);
	}

	/**
	 * A chunk's statements touch a thousand rows of a table that may hold millions,
	 * always by key. While a run is young its statistics lag far behind the table, and
	 * PostgreSQL then prefers to read the whole table into a hash for each chunk
	 * (measured: 300 ms per chunk at 120,000 rows, growing with the table). Joins by hash
	 * or merge would likewise read a whole run to match a chunk. Within this transaction
	 * only, PostgreSQL is told to look each row up by key.
	 */
	static void byPrimaryKeyOnly(JdbcTemplate jdbc) {
		jdbc.execute(
				"SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off");
	}

}
