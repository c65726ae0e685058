package org.invitations.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.mail.PendingInvitation;

/**
 * The chunks between their claim and their recorded outcome: at most one being sent (by
 * {@link ChunkSender}) while the step reads and claims the next, and one being recorded
 * by a thread of its own, on a connection of its own. Reading and claiming a chunk,
 * sending the one before and recording the one before that thus overlap. Only the step's
 * thread calls this.
 * <p>
 * Once the input ends ({@link #inputEnded()}, told by the reader before its last pass and
 * when it has nothing more) the chunks on their way are recorded at once, and every later
 * chunk as soon as it is sent, so that the reader's last pass sees every outcome.
 */
public class ChunksOnTheirWay {

	private static final Logger log = LoggerFactory.getLogger(ChunksOnTheirWay.class);

	private final DeliveryStore store;

	private final TransactionTemplate ownTransaction;

	private final ChunkSender sender;

	private final ChunkLedger ledger;

	/**
	 * How many messages beyond those handed over each connection may hand over before its
	 * progress is written.
	 */
	private final int inDoubtWindow;

	private @Nullable ClaimProgress progress;

	private @Nullable ExecutorService recorder;

	private @Nullable Sending inFlight;

	/** The recording under way, if any, and the size of its chunk. */
	private @Nullable Future<?> recording;

	private int recordingSize;

	private boolean inputEnded;

	/** This step's execution, to notice a stop asked for (see {@link #stopAsked()}). */
	private @Nullable StepExecution step;

	ChunksOnTheirWay(DeliveryStore store, TransactionTemplate ownTransaction, ChunkSender sender, ChunkLedger ledger,
			InvitationsProperties.Mail mail) {
		this.store = store;
		this.ownTransaction = ownTransaction;
		this.sender = sender;
		this.ledger = ledger;
		this.inDoubtWindow = mail.inDoubtWindow();
	}

	void open(StepExecution stepExecution) {
		inputEnded = false;
		ledger.reset();
		step = stepExecution;
		progress = store.trackProgress(ownTransaction, inDoubtWindow);
		sender.open();
		recorder = Executors.newSingleThreadExecutor(runnable -> {
			Thread thread = new Thread(runnable, "delivery-recorder");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Records what is still on its way (after a failure or a stop a chunk may be), then
	 * lets go of everything.
	 */
	void close() {
		try {
			if (stopAsked()) {
				sender.stop();
			}
			drain();
		}
		catch (RuntimeException | Error ex) {
			log.error("While stopping: {}", ex.getMessage());
		}
		finally {
			sender.close();
			if (recorder != null) {
				recorder.shutdown();
			}
			if (progress != null) {
				progress.close();
			}
		}
	}

	/**
	 * The input has ended: the chunk on its way is recorded now, and every chunk after it
	 * (the one being read as this is called) as soon as it is sent. A chunk that failed
	 * on its way fails the step here.
	 */
	public void inputEnded() {
		inputEnded = true;
		drain();
	}

	boolean hasInputEnded() {
		return inputEnded;
	}

	/**
	 * Whether a stop was asked for: by this process (its job execution is STOPPING) or
	 * through the job repository (noticed at the chunk boundary, which marks the step
	 * terminate-only).
	 */
	boolean stopAsked() {
		return step != null && (step.isTerminateOnly() || step.getJobExecution().isStopping());
	}

	/**
	 * How many invitations are claimed but not recorded yet: they count against the daily
	 * limits.
	 */
	long onTheirWay() {
		return (inFlight == null ? 0 : inFlight.size()) + recordingSize;
	}

	/**
	 * Sends these claims, once the chunk before them has left; that one is recorded
	 * meanwhile, or fails the step here, with these claims put back.
	 */
	void send(@Nullable List<DeliveryStore.Claim> claims) {
		Sending previous = inFlight;
		inFlight = null;
		Sent sent = previous == null ? null : previous.await();
		if (sent != null && sent.failure() != null) {
			awaitRecording();
			List<DeliveryStore.Claim> notSent = new ArrayList<>(sent.notSent());
			notSent.addAll(claims == null ? List.of() : claims);
			throw fail(new Sent(sent.outcomes(), notSent, sent.failure(), sent.heldBack()));
		}
		if (claims != null && !claims.isEmpty()) {
			// Once the input has ended nothing else waits: a destination's turn is waited
			// for.
			inFlight = sender.start(claims, progress, !inputEnded);
		}
		if (sent != null) {
			recordLater(sent);
		}
	}

	/**
	 * Waits for the chunk on its way and records it, and for every recording; fails the
	 * step when it could not be sent. Returns what the chunk put back in the queue to be
	 * tried again.
	 */
	DeliveryStore.Requeued drain() {
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
	 * Sends again, once each is due, what the last chunk put back in the queue, until
	 * nothing of it waits: the step's tail, where nothing else flows, so waiting here
	 * holds up nobody.
	 */
	void sendWhatWaits(List<? extends PendingInvitation> items, DeliveryStore.Requeued requeued) {
		while (!requeued.ids().isEmpty()) {
			waitUntil(requeued.until());
			Set<Long> waiting = requeued.ids();
			List<PendingInvitation> again = items.stream()
				.filter(item -> waiting.contains(item.id()))
				.collect(Collectors.toList());
			List<DeliveryStore.Claim> claims = ledger.claim(again);
			if (claims.isEmpty()) {
				return;
			}
			inFlight = sender.start(claims, progress, false);
			requeued = drain();
		}
	}

	private static void waitUntil(@Nullable Instant due) {
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

	/**
	 * Records a chunk on the recorder thread, once the chunk before it is recorded: one
	 * at a time, in order.
	 */
	private void recordLater(Sent sent) {
		awaitRecording();
		recordingSize = sent.outcomes().size() + sent.notSent().size() + sent.heldBack().size();
		recording = recorder.submit(() -> record(sent));
	}

	/**
	 * Waits for the recording under way; its failure fails the step (its claim stays, in
	 * doubt).
	 */
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

	private DeliveryStore.Requeued record(Sent sent) {
		return ledger.record(sent);
	}

	/**
	 * Records what the server accepted and puts back what it never got, then returns the
	 * failure to throw.
	 */
	private RuntimeException fail(Sent sent) {
		record(sent);
		log.error("Stopping: {}. {} handed to the server in this chunk, {} left queued for the restart.",
				sent.failure().getMessage(), sent.outcomes().size(), sent.notSent().size());
		if (sent.failure() instanceof Error error) {
			throw error;
		}
		return (RuntimeException) sent.failure();
	}

}
