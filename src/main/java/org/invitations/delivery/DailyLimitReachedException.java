package org.invitations.delivery;

/** The day's sending allowance is used up: the job stops with the rest queued, to be restarted later. */
public class DailyLimitReachedException extends RuntimeException {

	public DailyLimitReachedException(String message) {
		super(message);
	}

}
