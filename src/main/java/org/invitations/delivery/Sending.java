package org.invitations.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** A chunk on its way: one future per connection. */
record Sending(int size, List<Future<Sent>> slices) {

	/**
	 * Waits for every slice, so that nothing is still being sent when the outcome is
	 * recorded.
	 */
	Sent await() {
		List<DeliveryStore.Outcome> outcomes = new ArrayList<>(size);
		List<DeliveryStore.Claim> notSent = new ArrayList<>();
		List<DeliveryStore.Claim> heldBack = new ArrayList<>();
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
					// Recording what the server accepted comes first; the interrupt is
					// kept for the caller.
					interrupted = true;
				}
				catch (ExecutionException ex) {
					throw new IllegalStateException("a sender failed unexpectedly", ex.getCause());
				}
			}
			outcomes.addAll(slice.outcomes());
			notSent.addAll(slice.notSent());
			heldBack.addAll(slice.heldBack());
			if (failure == null) {
				failure = slice.failure();
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return new Sent(outcomes, notSent, failure, heldBack);
	}

}
