package org.invitations.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.run.RunContext;

/**
 * Sends one chunk of queued invitations. Sending is a side effect no transaction can undo, so it happens
 * between two commits of its own rather than inside the chunk's: first the claim (tokens issued, the chunk
 * listed as on its way), then the messages, then the outcome (SENT, FAILED, DEFERRED, QUEUED again for a later pass
 * after a temporary refusal, or still QUEUED for those never handed to the server). A crash between the two commits leaves only the claim, whose invitations a restart
 * sends again and reports as in doubt; an invitation recorded as SENT is never sent again.
 * <p>
 * The chunk is split over several SMTP connections that stay open for the whole step, one thread each, and is
 * sent while the step records the chunk before it and claims the one after.
 */
public class DeliveryWriter implements ItemWriter<PendingInvitation>, StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWriter.class);

	private final RunContext run;

	private final DeliveryStore store;

	private final MailGateway gateway;

	private final MailComposer composer;

	private final TransactionTemplate ownTransaction;

	private final int parallelism;

	private final BlockingQueue<Slot> slots;

	private ExecutorService senders;

	/** The chunk being sent while the step reads and claims the next; only the step's thread touches this. */
	private Sending inFlight;

	private ExecutorService recorder;

	/** The recording under way, if any, and the size of its chunk; only the step's thread touches these. */
	private Future<?> recording;

	private int recordingSize;

	private boolean inputEnded;

	/** This step's execution, to notice a stop asked for (see {@link #stopAsked()}). */
	private StepExecution step;

	/** Set once a stop is asked for: senders hand no further message to the server and return the rest unsent. */
	private volatile boolean stopping;

	private final RetryTemplate retry;

	/** The backoff of a temporary refusal, waited out in the queue (see {@link DeliveryStore#record}). */
	private final InvitationsProperties.Retry retrySettings;

	/**
	 * The sender's refusal that pauses the run, once a connection met it: the other connections stop at their next
	 * message instead of meeting it too.
	 */
	private volatile SenderRefusedException pausing;

	private final RateLimiter rate;

	private final long dailyLimit;

	/** Whether the next message's envelope may go with this one's content (see {@link MailGateway.Connection}). */
	private final boolean announceAhead;

	private final long specDailyLimit;

	/** How many messages beyond those handed over each connection may hand over before its progress is written. */
	private final int inDoubtWindow;

	/** The progress of the chunks on their way, written to their claims (see {@link ClaimProgress}). */
	private ClaimProgress progress;

	public DeliveryWriter(RunContext run, DeliveryStore store, MailGateway gateway, MailComposer composer,
			TransactionTemplate ownTransaction, InvitationsProperties.Mail mail) {
		this.run = run;
		this.store = store;
		this.gateway = gateway;
		this.composer = composer;
		this.ownTransaction = ownTransaction;
		this.parallelism = Math.max(1, mail.connections());
		InvitationsProperties.Retry settings = mail.retry();
		this.retrySettings = settings;
		// Only a lost connection is retried here, on a new one; a temporary refusal waits in the queue instead.
		this.retry = new RetryTemplate(RetryPolicy.builder()
			.maxRetries(settings.maxRetries())
			.delay(settings.delay())
			.multiplier(settings.multiplier())
			.maxDelay(settings.maxDelay())
			.jitter(settings.jitter())
			.includes(MailServerUnavailableException.class)
			.build());
		double specRate = run.spec().throttle().perSecond();
		double mailRate = mail.ratePerSecond();
		double perSecond = specRate > 0 && mailRate > 0 ? Math.min(specRate, mailRate) : Math.max(specRate, mailRate);
		this.rate = new RateLimiter(perSecond);
		// An envelope sent ahead keeps a transaction open on the server until its message's turn: not for long
		// waits between messages.
		this.announceAhead = perSecond <= 0 || perSecond >= 1;
		this.dailyLimit = mail.dailyLimit();
		this.specDailyLimit = run.spec().throttle().perDay();
		this.inDoubtWindow = mail.inDoubtWindow();
		this.slots = new ArrayBlockingQueue<>(parallelism);
		for (int i = 0; i < parallelism; i++) {
			slots.add(new Slot());
		}
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		inputEnded = false;
		step = stepExecution;
		stopping = false;
		pausing = null;
		int inDoubt = ownTransaction.execute(status -> store.recoverClaims(run));
		if (inDoubt > 0) {
			log.warn("{} invitations were on their way when an earlier execution of this run stopped: they are sent again,"
					+ " with a new link, and reported as in doubt", inDoubt);
		}
		progress = store.trackProgress(ownTransaction, inDoubtWindow);
		senders = Executors.newFixedThreadPool(parallelism, runnable -> {
			Thread thread = new Thread(runnable, "smtp-sender");
			thread.setDaemon(true);
			return thread;
		});
		recorder = Executors.newSingleThreadExecutor(runnable -> {
			Thread thread = new Thread(runnable, "delivery-recorder");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		try {
			stopping = stopping || stopAsked();
			// Normally drained already by the reader's end; after a failure or a stop a chunk may still be on its way.
			drain();
		}
		catch (RuntimeException | Error ex) {
			log.error("While stopping: {}", ex.getMessage());
		}
		finally {
			senders.shutdownNow();
			recorder.shutdown();
			if (progress != null) {
				progress.close();
			}
			slots.forEach(Slot::close);
		}
		return stepExecution.getExitStatus();
	}

	/**
	 * Claims this chunk, then hands it to the senders and returns while it is sent; the previous chunk's outcome
	 * is recorded meanwhile by a thread of its own, on a connection of its own. Reading and claiming the next chunk,
	 * sending this one and recording the previous one thus all overlap. At most three chunks are claimed at any
	 * time: the one being recorded, the one on its way and the one just claimed. A failure of the previous chunk
	 * stops the step here, with this chunk's claims undone.
	 */
	@Override
	public void write(Chunk<? extends PendingInvitation> chunk) throws Exception {
		if (stopAsked()) {
			// A stop claims nothing more; what is on its way is recorded when the step ends, and this chunk stays QUEUED.
			stopping = true;
			return;
		}
		long t0 = System.nanoTime();
		List<? extends PendingInvitation> items = withinDailyLimits(chunk.getItems());
		List<DeliveryStore.Claim> claims = ownTransaction.execute(status -> store.claim(run, items));
		long t1 = System.nanoTime();
		Sending previous = inFlight;
		inFlight = null;
		Sent sent = previous == null ? null : previous.await();
		long t2 = System.nanoTime();
		if (sent != null && sent.failure() != null) {
			awaitRecording();
			List<DeliveryStore.Claim> notSent = new ArrayList<>(sent.notSent());
			notSent.addAll(claims == null ? List.of() : claims);
			throw fail(new Sent(sent.outcomes(), notSent, sent.failure()));
		}
		if (claims != null && !claims.isEmpty()) {
			inFlight = start(claims);
		}
		if (sent != null) {
			recordLater(sent);
		}
		if (inputEnded) {
			// Nothing follows to overlap with: the step must not end before this chunk is recorded.
			DeliveryStore.Requeued requeued = drain();
			if (chunk.size() < run.spec().chunkSize()) {
				// Only the last chunk is short: the reader has ended, and no later pass will send what waits.
				sendWhatWaits(items, requeued);
			}
		}
		log.debug("chunk of {}: claim {} ms, waiting for the previous chunk to be sent {} ms, then to be recorded {} ms",
				items.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
	}

	/**
	 * Called by the reader once selection is over, before its last pass and again when it has nothing more: the
	 * chunk on its way is recorded now, and every chunk after it (the one being read as this is called) as soon as
	 * it is sent.
	 */
	public void endOfInput() {
		inputEnded = true;
		drain();
	}

	/**
	 * Waits for the chunk on its way and records it, and for every recording; fails the step when it could not be
	 * sent. Returns what the chunk put back in the queue to be tried again.
	 */
	private DeliveryStore.Requeued drain() {
		Sending last = inFlight;
		inFlight = null;
		Sent sent = last == null ? null : last.await();
		awaitRecording();
		if (sent == null) {
			return DeliveryStore.Requeued.NONE;
		}
		if (sent.failure() != null) {
			throw fail(sent);
		}
		return record(sent);
	}

	/**
	 * Sends again, once each is due, what the last chunk put back in the queue, until nothing of it waits: the step's
	 * tail, where nothing else flows, so waiting here holds up nobody.
	 */
	private void sendWhatWaits(List<? extends PendingInvitation> items, DeliveryStore.Requeued requeued) {
		while (!requeued.ids().isEmpty()) {
			waitUntil(requeued.until());
			Set<Long> waiting = requeued.ids();
			List<PendingInvitation> again = items.stream().filter(item -> waiting.contains(item.id())).collect(Collectors.toList());
			List<DeliveryStore.Claim> claims = ownTransaction.execute(status -> store.claim(run, again));
			if (claims == null || claims.isEmpty()) {
				return;
			}
			inFlight = start(claims);
			requeued = drain();
		}
	}

	private static void waitUntil(Instant due) {
		long millis = due == null ? 0 : Duration.between(Instant.now(), due).toMillis();
		if (millis <= 0) {
			return;
		}
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while waiting to send again", ex);
		}
	}

	/** Records a chunk on the recorder thread, once the chunk before it is recorded: one at a time, in order. */
	private void recordLater(Sent sent) {
		awaitRecording();
		recordingSize = sent.outcomes().size() + sent.notSent().size();
		recording = recorder.submit(() -> record(sent));
	}

	/** Waits for the recording under way; its failure fails the step (its claim stays, in doubt). */
	private void awaitRecording() {
		Future<?> pending = recording;
		if (pending == null) {
			return;
		}
		try {
			pending.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while recording a chunk", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException("recording a chunk failed", ex.getCause());
		}
		finally {
			recording = null;
			recordingSize = 0;
		}
	}

	private Sending start(List<DeliveryStore.Claim> claims) {
		int slices = Math.min(parallelism, claims.size());
		List<List<DeliveryStore.Claim>> shares = new ArrayList<>(slices);
		for (int s = 0; s < slices; s++) {
			List<DeliveryStore.Claim> slice = new ArrayList<>();
			// Slice s sends positions s, s + slices, ... of the claim, in order: what a claim's progress counts.
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
			ClaimProgress.Slice tracked = chunk.slice(s);
			futures.add(senders.submit(() -> send(slice, tracked)));
		}
		return new Sending(claims.size(), futures);
	}

	/**
	 * Whether a stop was asked for: by this process (its job execution is STOPPING) or through the job repository
	 * (noticed at the chunk boundary, which marks the step terminate-only).
	 */
	private boolean stopAsked() {
		return step != null && (step.isTerminateOnly() || step.getJobExecution().isStopping());
	}

	private DeliveryStore.Requeued record(Sent sent) {
		String why = sent.failure() != null ? "not sent: " + sent.failure().getMessage()
				: sent.notSent().isEmpty() ? null : "not sent: the run was stopped on request";
		return ownTransaction.execute(status -> store.record(run, sent.outcomes(), sent.notSent(), why, retrySettings));
	}

	/** Records what the server accepted and puts back what it never got, then returns the failure to throw. */
	private RuntimeException fail(Sent sent) {
		record(sent);
		log.error("Stopping: {}. {} handed to the server in this chunk, {} left queued for the restart.",
				sent.failure().getMessage(), sent.outcomes().size(), sent.notSent().size());
		if (sent.failure() instanceof Error error) {
			throw error;
		}
		return (RuntimeException) sent.failure();
	}

	/** Trims the chunk to what the daily limits still allow; when nothing is allowed the job stops, restartably. */
	private List<? extends PendingInvitation> withinDailyLimits(List<? extends PendingInvitation> items) {
		// The chunks on their way or being recorded are not recorded as sent yet, but count.
		long onItsWay = (inFlight == null ? 0 : inFlight.size()) + recordingSize;
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

	/**
	 * Sends a slice over one connection; stops at the first failure and says which were not sent. A lost connection
	 * is retried with backoff on a new one, and a server still unreachable stops the slice; a 4xx about the
	 * recipient is recorded as such and waits in the queue, not here. A refusal of the sender stops every slice
	 * at its next message: the run pauses.
	 */
	private Sent send(List<DeliveryStore.Claim> claims, ClaimProgress.Slice tracked) throws InterruptedException {
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
			MimeMessage message = compose(claims.get(0));
			for (int i = 0; i < claims.size(); i++) {
				if (pausing != null) {
					slot.close();
					return new Sent(outcomes, claims.subList(i, claims.size()), pausing);
				}
				if (stopping) {
					// Put back, not in doubt: these were never handed to the server.
					return new Sent(outcomes, claims.subList(i, claims.size()), null);
				}
				MimeMessage next = i + 1 < claims.size() ? compose(claims.get(i + 1)) : null;
				tracked.handing(i);
				SendResult result = sendWithRetries(slot, message, announceAhead ? next : null);
				tracked.outcome(result);
				outcomes.add(new DeliveryStore.Outcome(claims.get(i), result));
				message = next;
			}
			return new Sent(outcomes, List.of(), null);
		}
		catch (InterruptedException ex) {
			// Stopped hard while waiting for an allowance: what the server accepted is still recorded.
			Thread.currentThread().interrupt();
			return new Sent(outcomes, claims.subList(outcomes.size(), claims.size()),
					new IllegalStateException("interrupted while sending", ex));
		}
		catch (RuntimeException | Error ex) {
			// Whatever stopped the slice, what the server already accepted must be recorded before failing.
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

	private MimeMessage compose(DeliveryStore.Claim claim) {
		return composer.compose(gateway.session(), claim.invitation(), claim.token(), claim.expiresAt());
	}

	private SendResult sendWithRetries(Slot slot, MimeMessage message, MimeMessage next) {
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
	 * A message whose content reached the server without a reply may have arrived: it is sent once more, identical
	 * (same link, same Message-ID), on a new connection, and is then SENT in doubt whatever that attempt gets, so that
	 * it is never sent a third time and the link that may have arrived keeps working.
	 */
	private SendResult sendAgainInDoubt(Slot slot, MimeMessage message, NoReplyException first) {
		String doubt = "in doubt: " + first.getMessage();
		try {
			rate.acquire();
			SendResult again = slot.connection().send(message, null);
			String what = again.status() == SendResult.Status.SENT ? "sent again, identical, same link: " + again.reply()
					: "sent again, identical, and refused: " + again.reply() + "; treated as sent, since the first may have arrived";
			return new SendResult(SendResult.Status.SENT, doubt + "; " + what, true);
		}
		catch (RuntimeException ex) {
			// The next message meets whatever this was (a paused sender, a server gone) and stops the slice.
			slot.close();
			return new SendResult(SendResult.Status.SENT, doubt + "; sent again, identical, and no reply came either ("
					+ ex.getMessage() + "): treated as sent, never sent a third time", true);
		}
	}

	/** What the server made of a chunk or a slice of it; {@code failure} stopped it before {@code notSent}. */
	private record Sent(List<DeliveryStore.Outcome> outcomes, List<DeliveryStore.Claim> notSent, Throwable failure) {
	}

	/** A chunk on its way: one future per connection. */
	private record Sending(int size, List<Future<Sent>> slices) {

		/** Waits for every slice, so that nothing is still being sent when the outcome is recorded. */
		Sent await() {
			List<DeliveryStore.Outcome> outcomes = new ArrayList<>(size);
			List<DeliveryStore.Claim> notSent = new ArrayList<>();
			Throwable failure = null;
			boolean interrupted = false;
			for (Future<Sent> future : slices) {
				Sent slice;
				while (true) {
					try {
						slice = future.get();
						break;
					}
					catch (InterruptedException ex) {
						// Recording what the server accepted comes first; the interrupt is kept for the caller.
						interrupted = true;
					}
					catch (ExecutionException ex) {
						throw new IllegalStateException("a sender failed unexpectedly", ex.getCause());
					}
				}
				outcomes.addAll(slice.outcomes());
				notSent.addAll(slice.notSent());
				if (failure == null) {
					failure = slice.failure();
				}
			}
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
			return new Sent(outcomes, notSent, failure);
		}

	}

	/** One connection, opened when first needed and kept for the step; dropped after a failure. */
	private final class Slot {

		private MailGateway.Connection connection;

		MailGateway.Connection connection() {
			if (connection == null) {
				connection = gateway.open();
			}
			return connection;
		}

		void close() {
			if (connection != null) {
				connection.close();
				connection = null;
			}
		}

	}

}
