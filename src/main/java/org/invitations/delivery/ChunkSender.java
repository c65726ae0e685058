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

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.mail.MailComposer;
import org.invitations.mail.PreparedMessage;
import org.invitations.smtp.MailGateway;
import org.invitations.smtp.MailServerUnavailableException;
import org.invitations.smtp.NoReplyException;
import org.invitations.smtp.SendResult;
import org.invitations.smtp.SenderRefusedException;

/**
 * Sends a claimed chunk over several SMTP connections that stay open for the whole step,
 * one thread each: slice s of a chunk takes positions s, s + n, ... in order. A lost
 * connection is retried with backoff on a new one; a 4xx about the recipient is recorded
 * as such and waits in the queue, not here; a message without a reply is sent once more
 * ({@link InDoubtResend}). A refusal of the sender, or a server that stopped answering,
 * stops every slice at its next message: the run pauses, or fails restartably.
 */
final class ChunkSender {

	private final MailComposer composer;

	private final int parallelism;

	private final BlockingQueue<ConnectionSlot> slots;

	private final RetryTemplate retry;

	private final RateLimiter rate;

	private final InDoubtResend inDoubt;

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

	ChunkSender(MailGateway gateway, MailComposer composer, InvitationsProperties.Mail mail, double perSecond) {
		this.composer = composer;
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
		this.rate = new RateLimiter(perSecond);
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

	/** Hands the claims to the senders, sliced, and returns while they are sent. */
	Sending start(List<DeliveryStore.Claim> claims, ClaimProgress progress) {
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
		for (int s = 0; s < slices; s++) {
			List<DeliveryStore.Claim> slice = shares.get(s);
			SliceProgress tracked = chunk.slice(s);
			futures.add(senders.submit(() -> send(slice, tracked)));
		}
		return new Sending(claims.size(), futures);
	}

	/**
	 * Sends a slice over one connection; stops at the first failure and says which were
	 * not sent.
	 */
	private Sent send(List<DeliveryStore.Claim> claims, SliceProgress tracked) throws InterruptedException {
		ConnectionSlot slot;
		try {
			slot = slots.take();
		}
		catch (InterruptedException ex) {
			tracked.end();
			throw ex;
		}
		List<DeliveryStore.Outcome> outcomes = new ArrayList<>(claims.size());
		try {
			PreparedMessage message = compose(claims.get(0));
			for (int i = 0; i < claims.size(); i++) {
				RuntimeException halt = halting;
				if (halt != null) {
					slot.close();
					return new Sent(outcomes, claims.subList(i, claims.size()), halt);
				}
				if (stopping) {
					// Put back, not in doubt: these were never handed to the server.
					return new Sent(outcomes, claims.subList(i, claims.size()), null);
				}
				PreparedMessage next = i + 1 < claims.size() ? compose(claims.get(i + 1)) : null;
				tracked.handing(i);
				SendResult result;
				StoppedAnsweringException silent = null;
				try {
					result = sendWithRetries(slot, claims.get(i), message, announceAhead ? next : null);
				}
				catch (StoppedAnsweringException ex) {
					// Its message was sent twice and is in doubt: recorded so, while the
					// rest of the slice is put back.
					result = ex.inDoubt();
					silent = ex;
				}
				tracked.outcome(result);
				outcomes.add(new DeliveryStore.Outcome(claims.get(i), result));
				if (silent != null) {
					throw silent;
				}
				message = next;
			}
			return new Sent(outcomes, List.of(), null);
		}
		catch (InterruptedException ex) {
			// Stopped hard while waiting for an allowance: what the server accepted is
			// still recorded.
			Thread.currentThread().interrupt();
			return new Sent(outcomes, claims.subList(outcomes.size(), claims.size()),
					new IllegalStateException("interrupted while sending", ex));
		}
		catch (RuntimeException | Error ex) {
			// Whatever stopped the slice, what the server already accepted must be
			// recorded before failing.
			if ((ex instanceof SenderRefusedException || ex instanceof StoppedAnsweringException) && halting == null) {
				halting = (RuntimeException) ex;
			}
			slot.close();
			return new Sent(outcomes, claims.subList(outcomes.size(), claims.size()), ex);
		}
		finally {
			tracked.end();
			slots.add(slot);
		}
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
