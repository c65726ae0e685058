package org.invitations.delivery;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.mail.PendingInvitation;
import org.invitations.run.RunContext;

/**
 * The two commits around a chunk's send, each in a transaction of its own: the claim
 * before the messages leave and the outcome after. It counts the people they settle, for
 * the step's progress: an invitation refused for now and put back in the queue counts
 * once a later pass settles it, not at each attempt.
 */
final class ChunkLedger {

	private final RunContext run;

	private final DeliveryStore store;

	private final TransactionTemplate ownTransaction;

	/**
	 * The backoff of a temporary refusal, waited out in the queue (see
	 * {@link DeliveryStore#record}).
	 */
	private final InvitationsProperties.Retry retrySettings;

	private final AtomicLong settled = new AtomicLong();

	ChunkLedger(RunContext run, DeliveryStore store, TransactionTemplate ownTransaction,
			InvitationsProperties.Retry retrySettings) {
		this.run = run;
		this.store = store;
		this.ownTransaction = ownTransaction;
		this.retrySettings = retrySettings;
	}

	/**
	 * Claims these items (see {@link DeliveryStore#claim}); those it leaves out are
	 * settled: skipped, or past SENDING already.
	 */
	List<DeliveryStore.Claim> claim(List<? extends PendingInvitation> items) {
		List<DeliveryStore.Claim> claims = ownTransaction.execute(status -> store.claim(run, items));
		List<DeliveryStore.Claim> claimed = claims == null ? List.of() : claims;
		settled.addAndGet(items.size() - claimed.size());
		return claimed;
	}

	/**
	 * Records what the server made of a chunk; returns what it put back in the queue for
	 * a later pass.
	 */
	DeliveryStore.Requeued record(Sent sent) {
		String why = sent.failure() != null ? "not sent: " + sent.failure().getMessage()
				: sent.notSent().isEmpty() ? null : "not sent: the run was stopped on request";
		DeliveryStore.Requeued requeued = ownTransaction
			.execute(status -> store.record(run, sent.outcomes(), sent.notSent(), why, retrySettings, sent.heldBack()));
		settled.addAndGet(sent.outcomes().size() - requeued.ids().size());
		return requeued;
	}

	/**
	 * How many people the claims and outcomes recorded since {@link #reset()} settled.
	 */
	long settled() {
		return settled.get();
	}

	void reset() {
		settled.set(0);
	}

}
