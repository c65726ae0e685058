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
 * as such and waits in the queue, not here; a refusal of the sender stops every slice at
 * its next message, and the run pauses.
 */
final class ChunkSender {

	private final MailGateway gateway;

	private final MailComposer composer;

	private final int parallelism;

	private final BlockingQueue<Slot> slots;

	private final RetryTemplate retry;

	private final RateLimiter rate;

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
	 * The sender's refusal that pauses the run, once a connection met it: the other
	 * connections stop at their next message instead of meeting it too.
	 */
	private volatile @Nullable SenderRefusedException pausing;

	ChunkSender(MailGateway gateway, MailComposer composer, InvitationsProperties.Mail mail, double perSecond) {
		this.gateway = gateway;
		this.composer = composer;
		this.parallelism = Math.max(1, mail.connections());
		InvitationsProperties.Retry settings = mail.retry();
		// Only a lost connection is retried here, on a new one; a temporary refusal waits
		// in the queue instead.
		this.retry = new RetryTemplate(RetryPolicy.builder()
			.maxRetries(settings.maxRetries())
			.delay(settings.delay())
			.multiplier(settings.multiplier())
			.maxDelay(settings.maxDelay())
			.jitter(settings.jitter())
			.includes(MailServerUnavailableException.class)
			.build());
		this.rate = new RateLimiter(perSecond);
		// An envelope sent ahead keeps a transaction open on the server until its
		// message's turn: not for long
		// waits between messages.
		this.announceAhead = perSecond <= 0 || perSecond >= 1;
		this.slots = new ArrayBlockingQueue<>(parallelism);
		for (int i = 0; i < parallelism; i++) {
			slots.add(new Slot());
		}
	}

	/** Starts the step's sender threads; the connections open when first needed. */
	void open() {
		stopping = false;
		pausing = null;
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
		slots.forEach(Slot::close);
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
		Slot slot;
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
				SenderRefusedException refused = pausing;
				if (refused != null) {
					slot.close();
					return new Sent(outcomes, claims.subList(i, claims.size()), refused);
				}
				if (stopping) {
					// Put back, not in doubt: these were never handed to the server.
					return new Sent(outcomes, claims.subList(i, claims.size()), null);
				}
				PreparedMessage next = i + 1 < claims.size() ? compose(claims.get(i + 1)) : null;
				tracked.handing(i);
				SendResult result = sendWithRetries(slot, message, announceAhead ? next : null);
				tracked.outcome(result);
				outcomes.add(new DeliveryStore.Outcome(claims.get(i), result));
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
			if (ex instanceof SenderRefusedException refused && pausing == null) {
				pausing = refused;
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

	private SendResult sendWithRetries(Slot slot, PreparedMessage message, @Nullable PreparedMessage next) {
		try {
			return retry.execute(() -> {
				rate.acquire();
				try {
					return slot.connection().send(message, next);
				}
				catch (NoReplyException ex) {
					slot.close();
					return sendAgainInDoubt(slot, message, ex);
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

	/**
	 * A message whose content reached the server without a reply may have arrived: it is
	 * sent once more, identical (same link, same Message-ID), on a new connection, and is
	 * then SENT in doubt whatever that attempt gets, so that it is never sent a third
	 * time and the link that may have arrived keeps working.
	 */
	private SendResult sendAgainInDoubt(Slot slot, PreparedMessage message, NoReplyException first) {
		String doubt = "in doubt: " + first.getMessage();
		try {
			rate.acquire();
			SendResult again = slot.connection().send(message, null);
			String what = again.status() == SendResult.Status.SENT
					? "sent again, identical, same link: " + again.reply() : "sent again, identical, and refused: "
							+ again.reply() + "; treated as sent, since the first may have arrived";
			return new SendResult(SendResult.Status.SENT, doubt + "; " + what, true);
		}
		catch (RuntimeException ex) {
			// The next message meets whatever this was (a paused sender, a server gone)
			// and stops the slice.
			slot.close();
			return new SendResult(SendResult.Status.SENT, doubt + "; sent again, identical, and no reply came either ("
					+ ex.getMessage() + "): treated as sent, never sent a third time", true);
		}
	}

	/**
	 * One connection, opened when first needed and kept for the step; dropped after a
	 * failure.
	 */
	private final class Slot {

		private MailGateway.@Nullable Connection connection;

		MailGateway.Connection connection() {
			MailGateway.Connection open = connection;
			if (open == null) {
				open = gateway.open();
				connection = open;
			}
			return open;
		}

		void close() {
			if (connection != null) {
				connection.close();
				connection = null;
			}
		}

	}

}
