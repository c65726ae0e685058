package org.invitations.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.run.RunContext;

/**
 * The deliver step's beginning and end: claims an earlier execution left on their way are
 * taken back (to be sent again, in doubt) before anything is read, the senders and the
 * recorder start; when the step ends, however it ends, what is still on its way is
 * recorded and the connections are closed.
 */
final class DeliveryStepListener implements StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(DeliveryStepListener.class);

	private final RunContext run;

	private final DeliveryStore store;

	private final TransactionTemplate ownTransaction;

	private final ChunksOnTheirWay onTheirWay;

	DeliveryStepListener(RunContext run, DeliveryStore store, TransactionTemplate ownTransaction,
			ChunksOnTheirWay onTheirWay) {
		this.run = run;
		this.store = store;
		this.ownTransaction = ownTransaction;
		this.onTheirWay = onTheirWay;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		Integer inDoubt = ownTransaction.execute(status -> store.recoverClaims(run));
		if (inDoubt != null && inDoubt > 0) {
			log.warn(
					"{} invitations were on their way when an earlier execution of this run stopped: they are sent again,"
							+ " with a new link, and reported as in doubt",
					inDoubt);
		}
		onTheirWay.open(stepExecution);
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		// Normally recorded already by the reader's end; after a failure or a stop a
		// chunk may still be on its way.
		onTheirWay.close();
		return stepExecution.getExitStatus();
	}

}
