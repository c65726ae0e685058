package org.invitations.delivery;

import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.mail.MailComposer;
import org.invitations.mail.PendingInvitation;
import org.invitations.smtp.MailGateway;
import org.invitations.run.RunContext;

/**
 * Sends one chunk of queued invitations. Sending is a side effect no transaction can
 * undo, so it happens between two commits of its own rather than inside the chunk's:
 * first the claim (tokens issued, the chunk listed as on its way), then the messages,
 * then the outcome (SENT, FAILED, DEFERRED, QUEUED again for a later pass after a
 * temporary refusal, or still QUEUED for those never handed to the server). A crash
 * between the two commits leaves only the claim, whose invitations a restart sends again
 * and reports as in doubt; an invitation recorded as SENT is never sent again.
 * <p>
 * This class claims, within the daily limits; {@link ChunkSender} sends over several
 * connections and {@link ChunksOnTheirWay} records, both while the step reads and claims
 * the next chunk; {@link #listener()} opens and closes them with the step.
 */
public class DeliveryWriter implements ItemWriter<PendingInvitation> {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWriter.class);

	private final RunContext run;

	private final DeliveryStore store;

	private final ChunkLedger ledger;

	private final ChunksOnTheirWay onTheirWay;

	private final DeliveryStepListener listener;

	private final long dailyLimit;

	private final long specDailyLimit;

	/** Whether other partitions of the run send beside this one, maybe elsewhere. */
	private final boolean shared;

	/**
	 * @param lane this partition's share of the run's queue
	 * @param jdbc for the spec's per-second throttle, held in the database when other
	 * partitions send beside this one
	 */
	public DeliveryWriter(RunContext run, Lane lane, DeliveryStore store, MailGateway gateway, MailComposer composer,
			TransactionTemplate ownTransaction, InvitationsProperties.Mail mail, DestinationProperties destinations,
			JdbcTemplate jdbc) {
		this.run = run;
		this.store = store;
		this.shared = lane.shared();
		this.ledger = new ChunkLedger(run, store, ownTransaction, mail.retry());
		double specRate = run.spec().throttle().perSecond();
		double mailRate = mail.ratePerSecond();
		double perSecond = specRate > 0 && mailRate > 0 ? Math.min(specRate, mailRate) : Math.max(specRate, mailRate);
		// The spec's rate is the run's, whoever sends it; the mail rate is this process's
		// own (its relay's).
		Pace pace = shared && specRate > 0
				? Pace.both(new RateLimiter(mailRate), new SharedRate(jdbc, "spec:" + run.spec().name(), specRate))
				: new RateLimiter(perSecond);
		// Decided once for the step: without limits per destination no recipient's domain
		// is looked at.
		ChunkSender sender = new ChunkSender(gateway, composer, mail, perSecond, pace,
				DestinationLimits.of(destinations));
		this.onTheirWay = new ChunksOnTheirWay(store, ownTransaction, sender, ledger, mail);
		this.listener = new DeliveryStepListener(onTheirWay);
		this.dailyLimit = mail.dailyLimit();
		this.specDailyLimit = run.spec().throttle().perDay();
	}

	/**
	 * The chunks this writer has on their way: the reader tells them when its input ends.
	 */
	public ChunksOnTheirWay chunksOnTheirWay() {
		return onTheirWay;
	}

	/**
	 * How many people this step has settled so far: sent, failed, deferred for good or
	 * skipped, each once however often it was tried.
	 */
	public long settled() {
		return ledger.settled();
	}

	/**
	 * Opens the senders and the recorder when the step starts, and records what is left
	 * when it ends.
	 */
	public StepExecutionListener listener() {
		return listener;
	}

	/**
	 * Claims this chunk, then hands it to the senders and returns while it is sent; the
	 * previous chunk's outcome is recorded meanwhile. At most three chunks are claimed at
	 * any time: the one being recorded, the one on its way and the one just claimed. A
	 * failure of the previous chunk stops the step here, with this chunk's claims undone.
	 */
	@Override
	public void write(Chunk<? extends PendingInvitation> chunk) throws Exception {
		if (onTheirWay.stopAsked()) {
			// A stop claims nothing more; what is on its way is recorded when the step
			// ends, and this chunk stays QUEUED.
			return;
		}
		long t0 = System.nanoTime();
		List<? extends PendingInvitation> items = withinDailyLimits(chunk.getItems());
		List<DeliveryStore.Claim> claims = ledger.claim(items);
		long t1 = System.nanoTime();
		onTheirWay.send(claims);
		if (onTheirWay.hasInputEnded()) {
			// Nothing follows to overlap with: the step must not end before this chunk is
			// recorded.
			DeliveryStore.Requeued requeued = onTheirWay.drain();
			if (chunk.size() < run.spec().chunkSize()) {
				// Only the last chunk is short: the reader has ended, and no later pass
				// will send what waits.
				onTheirWay.sendWhatWaits(items, requeued);
			}
		}
		log.debug("chunk of {}: claim {} ms, then waiting for the previous chunk to be sent {} ms", items.size(),
				(t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
	}

	/**
	 * Trims the chunk to what the daily limits still allow; when nothing is allowed the
	 * job stops, restartably.
	 */
	private List<? extends PendingInvitation> withinDailyLimits(List<? extends PendingInvitation> items) {
		// The chunks on their way or being recorded are not recorded as sent yet, but
		// count; those of the other partitions too, wherever they are sent from (a claim
		// of another spec counts against this spec's limit as well: it stops early rather
		// than late).
		long onItsWay = onTheirWay.onTheirWay() + (shared ? store.claimedNotRecorded() : 0);
		long overall = dailyLimit > 0 ? dailyLimit - store.sentInLastDay(null) - onItsWay : Long.MAX_VALUE;
		long ofSpec = specDailyLimit > 0 ? specDailyLimit - store.sentInLastDay(run.spec().name()) - onItsWay
				: Long.MAX_VALUE;
		long allowed = Math.min(overall, ofSpec);
		if (allowed <= 0) {
			// Sending goes on once every limit that is reached has room again.
			Instant freesAt = null;
			String which = "";
			if (overall <= 0) {
				freesAt = store.dailyLimitFreesAt(null, dailyLimit, onItsWay);
				which = "the daily sending limit (" + dailyLimit + " in 24 hours, invitations.mail.daily-limit)";
			}
			if (ofSpec <= 0) {
				Instant spec = store.dailyLimitFreesAt(run.spec().name(), specDailyLimit, onItsWay);
				freesAt = freesAt == null || spec.isAfter(freesAt) ? spec : freesAt;
				which += (which.isEmpty() ? "" : " and ") + "the spec's daily limit (" + specDailyLimit
						+ " in 24 hours, throttle.per-day)";
			}
			throw new DailyLimitReachedException(which, freesAt);
		}
		return allowed < items.size() ? items.subList(0, (int) allowed) : items;
	}

}
