package org.invitations.delivery;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the server made of a chunk or a slice of it; {@code failure} stopped it before
 * {@code notSent}. {@code heldBack}: never handed to the server either, put back for a
 * later pass because their destination's turn was too far away.
 */
record Sent(List<DeliveryStore.Outcome> outcomes, List<DeliveryStore.Claim> notSent, @Nullable Throwable failure,
		List<DeliveryStore.Claim> heldBack) {

	Sent(List<DeliveryStore.Outcome> outcomes, List<DeliveryStore.Claim> notSent, @Nullable Throwable failure) {
		this(outcomes, notSent, failure, List.of());
	}

}
