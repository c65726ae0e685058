package org.invitations.delivery;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * A deliver partition's beginning and end: the senders and the recorder start (the claims
 * an earlier execution left were taken back before any partition began, see
 * {@link DeliveryStore#recoverClaims}); when the step ends, however it ends, what is
 * still on its way is recorded and the connections are closed.
 */
final class DeliveryStepListener implements StepExecutionListener {

	private final ChunksOnTheirWay onTheirWay;

	DeliveryStepListener(ChunksOnTheirWay onTheirWay) {
		this.onTheirWay = onTheirWay;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
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
