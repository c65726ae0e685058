package org.invitations.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.mail.MailComposer;
import org.invitations.mail.PreparedMessage;
import org.invitations.smtp.MailGateway;
import org.invitations.smtp.MailServerUnavailableException;
import org.invitations.smtp.NoReplyException;
import org.invitations.smtp.RateRefusals;
import org.invitations.smtp.SendResult;
import org.invitations.smtp.SenderRefusedException;

/**
 * Sends a claimed chunk over several SMTP connections that stay open for the whole step,
 * one thread each: slice s of a chunk takes positions s, s + n, ... in order. A lost
 * connection is retried with backoff on a new one; a 4xx about the recipient is recorded
 * as such and waits in the queue, not here; a message without a reply is sent once more
 * ({@link InDoubtResend}). A refusal of the sender, or a server that stopped answering,
 * stops every slice at its next message: the run pauses, or fails restartably.
 * <p>
 * With limits per destination ({@link DestinationLimits}) a message to a limited group
 * waits for the group's turn as well: briefly while other mail flows, after which it is
 * put back in the queue unsent for the run's last pass; as long as needed in that last
 * pass, where nothing else waits behind it. A refusal that names a rate, from a limited
 * group, slows that group and waits in the queue as a temporary refusal, instead of
 * pausing the run. Without such limits none of this is looked at.
 */
final class ChunkSender {

	private static final Logger log = LoggerFactory.getLogger(ChunkSender.class);

	private final MailComposer composer;

	private final int parallelism;

	private final BlockingQueue<ConnectionSlot> slots;

	private final RetryTemplate retry;

	private final Pace rate;

	private final InDoubtResend inDoubt;

	/** Null when no destination has limits of its own: then no recipient is looked at. */
	private final @Nullable DestinationLimits destinations;

	/**
	 * Whether the next message's envelope may go with this one's content (see
	 * {@link MailGateway.Connection}).
	 */
	private final boolean announceAhead;

	private @Nullable ExecutorService senders;

	/**
	 * Set once a stop is asked for: senders hand no further message to the server and
	 * return the rest unsent.
	 */
	private volatile boolean stopping;

	/**
	 * What ends the step for every connection, once one met it (the sender's refusal that
	 * pauses the run, or the server's silence): the others stop at their next message
	 * instead of meeting it too.
	 */
	private volatile @Nullable RuntimeException halting;

	/**
	 * @param perSecond the rate the messages leave at, at most (0: unlimited)
	 * @param rate what each message waits for before it leaves, to keep to that rate
	 */
	ChunkSender(MailGateway gateway, MailComposer composer, InvitationsProperties.Mail mail, double perSecond,
			Pace rate, @Nullable DestinationLimits destinations) {
		this.composer = composer;
		this.destinations = destinations;
		this.parallelism = Math.max(1, mail.connections());
		InvitationsProperties.Retry settings = mail.retry();
		// Only a lost connection is retried here, on a new one; a temporary refusal waits
		// in the queue instead, and a server that stopped answering is not asked again.
		this.retry = new RetryTemplate(RetryPolicy.builder()
			.maxRetries(settings.maxRetries())
			.delay(settings.delay())
			.multiplier(settings.multiplier())
			.maxDelay(settings.maxDelay())
			.jitter(settings.jitter())
			.includes(MailServerUnavailableException.class)
			.excludes(StoppedAnsweringException.class)
			.build());
		this.rate = rate;
		this.inDoubt = new InDoubtResend(rate);
		// An envelope sent ahead keeps a transaction open on the server until its
		// message's turn: not for long
		// waits between messages.
		this.announceAhead = perSecond <= 0 || perSecond >= 1;
		this.slots = new ArrayBlockingQueue<>(parallelism);
		for (int i = 0; i < parallelism; i++) {
			slots.add(new ConnectionSlot(gateway));
		}
	}

	/** Starts the step's sender threads; the connections open when first needed. */
	void open() {
		stopping = false;
		halting = null;
		senders = Executors.newFixedThreadPool(parallelism, runnable -> {
			Thread thread = new Thread(runnable, "smtp-sender");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * From now on nothing more is handed to the server: what remains of a slice comes
	 * back unsent.
	 */
	void stop() {
		stopping = true;
	}

	boolean stopping() {
		return stopping;
	}

	void close() {
		if (senders != null) {
			senders.shutdownNow();
		}
		slots.forEach(ConnectionSlot::close);
	}

	/**
	 * Hands the claims to the senders, sliced, and returns while they are sent.
	 * @param mayHoldBack whether a message whose destination's turn is not near may be
	 * put back in the queue (while other mail flows), rather than waited for (in the
	 * run's last pass)
	 */
	Sending start(List<DeliveryStore.Claim> claims, ClaimProgress progress, boolean mayHoldBack) {
		int slices = Math.min(parallelism, claims.size());
		List<List<DeliveryStore.Claim>> shares = new ArrayList<>(slices);
		for (int s = 0; s < slices; s++) {
			List<DeliveryStore.Claim> slice = new ArrayList<>();
			// Slice s sends positions s, s + slices, ... of the claim, in order: what a
			// claim's progress counts.
			for (int i = s; i < claims.size(); i += slices) {
				slice.add(claims.get(i));
			}
			shares.add(slice);
		}
		long batch = claims.stream().mapToLong(DeliveryStore.Claim::batch).filter(b -> b != 0).findFirst().orElse(0);
		ClaimProgress.Chunk chunk = progress.track(batch, shares.stream().mapToInt(List::size).toArray());
		List<Future<Sent>> futures = new ArrayList<>(slices);
		long groupWait = destinations != null && mayHoldBack ? destinations.waitNanos() : Long.MAX_VALUE;
		for (int s = 0; s < slices; s++) {
			List<DeliveryStore.Claim> slice = shares.get(s);
			SliceProgress tracked = chunk.slice(s);
			futures.add(senders.submit(() -> send(slice, tracked, groupWait)));
		}
		return new Sending(claims.size(), futures);
	}

	/**
	 * Sends a slice over one connection; stops at the first failure and says which were
	 * not sent.
	 * @param groupWait how long a message may wait for its destination group's turn
	 * before it is held back
	 */
	private Sent send(List<DeliveryStore.Claim> claims, SliceProgress tracked, long groupWait)
			throws InterruptedException {
		ConnectionSlot slot;
		try {
			slot = slots.take();
		}
		catch (InterruptedException ex) {
			tracked.end();
			throw ex;
		}
		List<DeliveryStore.Outcome> outcomes = new ArrayList<>(claims.size());
		List<DeliveryStore.Claim> heldBack = destinations == null ? List.of() : new ArrayList<>();
		int done = 0;
		try {
			PreparedMessage message = compose(claims.get(0));
			DestinationGroup group = groupOf(claims.get(0));
			for (int i = 0; i < claims.size(); i++) {
				RuntimeException halt = halting;
				if (halt != null) {
					slot.close();
					return new Sent(outcomes, claims.subList(i, claims.size()), halt, heldBack);
				}
				if (stopping) {
					// Put back, not in doubt: these were never handed to the server.
					return new Sent(outcomes, claims.subList(i, claims.size()), null, heldBack);
				}
				DeliveryStore.Claim claim = claims.get(i);
				PreparedMessage next = i + 1 < claims.size() ? compose(claims.get(i + 1)) : null;
				DestinationGroup nextGroup = next == null ? null : groupOf(claims.get(i + 1));
				// An envelope sent ahead must be sent: none for a message that may
				// wait for its group's turn, or be held back.
				PreparedMessage ahead = announceAhead && nextGroup == null ? next : null;
				// Handed first: the wait for the written allowance must not eat into the
				// group's spacing.
				tracked.handing(i);
				long admittedAt = 0;
				if (group != null) {
					// A new connection opens before the group's turn, not after it.
					slot.warm();
					admittedAt = System.nanoTime();
					// One in doubt is never held back: it keeps its own claim, and its
					// doubt.
					DestinationGroup.Admission admission = group.admit(claim.inDoubt() ? Long.MAX_VALUE : groupWait,
							() -> stopping || halting != null);
					if (admission != DestinationGroup.Admission.ADMITTED) {
						// Put back unsent, to be read again: held back for the group's
						// turn, or for a stop while waiting for it.
						tracked.heldBack();
						heldBack.add(claim);
						done++;
						message = next;
						group = nextGroup;
						continue;
					}
				}
				SendResult result;
				StoppedAnsweringException silent = null;
				try {
					result = sendWithRetries(slot, claim, message, ahead);
				}
				catch (StoppedAnsweringException ex) {
					// Its message was sent twice and is in doubt: recorded so, while the
					// rest of the slice is put back.
					result = ex.inDoubt();
					silent = ex;
				}
				catch (SenderRefusedException ex) {
					if (group == null || !RateRefusals.namesRate(ex.reply())) {
						throw ex;
					}
					// One provider's rate: that group slows down, the run goes on, and
					// this message waits in the queue as any temporary refusal does.
					slot.close();
					result = new SendResult(SendResult.Status.DEFERRED, ex.reply());
				}
				finally {
					if (group != null) {
						group.release();
					}
				}
				if (group != null && result.status() == SendResult.Status.DEFERRED
						&& RateRefusals.namesRate(result.reply()) && group.slowDown(admittedAt)) {
					log.info("{} refused a message with a rate named; that destination is slowed to {} a second: {}",
							group.name(), String.format(java.util.Locale.ROOT, "%.2f", group.perSecond()),
							result.reply());
				}
				tracked.outcome(result);
				outcomes.add(new DeliveryStore.Outcome(claim, result));
				done++;
				if (silent != null) {
					throw silent;
				}
				message = next;
				group = nextGroup;
			}
			return new Sent(outcomes, List.of(), null, heldBack);
		}
		catch (InterruptedException ex) {
			// Stopped hard while waiting for an allowance: what the server accepted is
			// still recorded.
			Thread.currentThread().interrupt();
			return new Sent(outcomes, claims.subList(done, claims.size()),
					new IllegalStateException("interrupted while sending", ex), heldBack);
		}
		catch (RuntimeException | Error ex) {
			// Whatever stopped the slice, what the server already accepted must be
			// recorded before failing.
			if ((ex instanceof SenderRefusedException || ex instanceof StoppedAnsweringException) && halting == null) {
				halting = (RuntimeException) ex;
			}
			slot.close();
			return new Sent(outcomes, claims.subList(done, claims.size()), ex, heldBack);
		}
		finally {
			tracked.end();
			slots.add(slot);
		}
	}

	private @Nullable DestinationGroup groupOf(DeliveryStore.Claim claim) {
		return destinations == null ? null : destinations.groupOf(claim.invitation().email());
	}

	private PreparedMessage compose(DeliveryStore.Claim claim) {
		return composer.compose(claim.invitation(), claim.token(), claim.expiresAt());
	}

	private SendResult sendWithRetries(ConnectionSlot slot, DeliveryStore.Claim claim, PreparedMessage message,
			@Nullable PreparedMessage next) {
		try {
			return retry.execute(() -> {
				rate.acquire();
				try {
					return slot.connection().send(message, next);
				}
				catch (NoReplyException ex) {
					slot.close();
					return inDoubt.send(slot, claim, message, ex);
				}
				catch (MailServerUnavailableException ex) {
					slot.close();
					throw ex;
				}
			});
		}
		catch (RetryException ex) {
			Throwable last = ex.getCause() != null ? ex.getCause() : ex;
			if (last instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new MailServerUnavailableException(last.getMessage(), last);
		}
	}

}
