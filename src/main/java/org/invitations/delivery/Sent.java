package org.invitations.delivery;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the server made of a chunk or a slice of it; {@code failure} stopped it before
 * {@code notSent}.
 */
record Sent(List<DeliveryStore.Outcome> outcomes, List<DeliveryStore.Claim> notSent, @Nullable Throwable failure) {
}
