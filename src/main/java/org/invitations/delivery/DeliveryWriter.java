package org.invitations.delivery;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.job.RunContext;

/**
 * Sends one chunk of queued invitations. Sending is a side effect no transaction can undo, so it happens
 * between two commits of its own rather than inside the chunk's: first the claim (tokens issued, state
 * SENDING), then the messages, then the outcome (SENT, FAILED, DEFERRED, or back to QUEUED for those never
 * handed to the server). A crash between the two commits leaves only SENDING rows, which a restart sends again
 * and reports as in doubt; an invitation recorded as SENT is never sent again.
 */
public class DeliveryWriter implements ItemWriter<PendingInvitation> {

	private static final Logger log = LoggerFactory.getLogger(DeliveryWriter.class);

	private final RunContext run;

	private final DeliveryStore store;

	private final MailGateway gateway;

	private final MailComposer composer;

	private final TransactionTemplate ownTransaction;

	public DeliveryWriter(RunContext run, DeliveryStore store, MailGateway gateway, MailComposer composer,
			TransactionTemplate ownTransaction) {
		this.run = run;
		this.store = store;
		this.gateway = gateway;
		this.composer = composer;
		this.ownTransaction = ownTransaction;
	}

	@Override
	public void write(Chunk<? extends PendingInvitation> chunk) {
		List<DeliveryStore.Claim> claims = ownTransaction.execute(status -> store.claim(run, chunk.getItems()));
		if (claims == null || claims.isEmpty()) {
			return;
		}
		List<DeliveryStore.Outcome> outcomes = new ArrayList<>(claims.size());
		Throwable failure = null;
		try (MailGateway.Connection connection = gateway.open()) {
			for (DeliveryStore.Claim claim : claims) {
				var message = composer.compose(gateway.session(), claim.invitation(), claim.token(), claim.expiresAt());
				outcomes.add(new DeliveryStore.Outcome(claim, connection.send(message)));
			}
		}
		catch (RuntimeException | Error ex) {
			// Whatever stopped the chunk, what the server already accepted must be recorded before failing.
			failure = ex;
		}
		List<DeliveryStore.Claim> notSent = claims.subList(outcomes.size(), claims.size());
		String why = failure == null ? null : "not sent: " + failure.getMessage();
		ownTransaction.executeWithoutResult(status -> store.record(run, outcomes, notSent, why));
		if (failure != null) {
			log.error("Stopping: {}. {} handed to the server in this chunk, {} left queued for the restart.",
					failure.getMessage(), outcomes.size(), notSent.size());
			if (failure instanceof Error error) {
				throw error;
			}
			throw (RuntimeException) failure;
		}
	}

}
