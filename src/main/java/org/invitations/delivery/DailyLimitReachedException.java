package org.invitations.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The day's sending allowance is used up: the job stops with the rest queued, to be
 * restarted later.
 */
public class DailyLimitReachedException extends RuntimeException {

	private final transient Instant freesAt;

	/**
	 * @param limits the limits reached, e.g. "the spec's daily limit (500 in 24 hours,
	 * throttle.per-day)"
	 */
	public DailyLimitReachedException(String limits, Instant freesAt) {
		super(limits + " is reached"
				+ (freesAt == null ? "" : "; it frees up at " + freesAt.truncatedTo(ChronoUnit.SECONDS)));
		this.freesAt = freesAt;
	}

	/** When one more message may be sent again, if known. */
	public Instant freesAt() {
		return freesAt;
	}

}
