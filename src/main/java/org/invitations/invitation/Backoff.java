package org.invitations.invitation;

import java.time.Duration;

/**
 * How a temporary refusal waits in the queue for a later pass of its run:
 * {@code delay * multiplier^n}, at most {@code maxDelay}, plus up to {@code jitter}, for
 * at most {@code maxRetries} refusals.
 */
public record Backoff(int maxRetries, Duration delay, double multiplier, Duration maxDelay, Duration jitter) {

	/** No retries: a temporary refusal is DEFERRED at once. */
	public static final Backoff NONE = new Backoff(0, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO);

}
