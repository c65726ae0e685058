package org.invitations.guard;

/**
 * A run would send more emails than its limit, or was confirmed with another number than
 * it would send: it stopped before sending anything.
 */
public class RecipientLimitExceededException extends RuntimeException {

	private final long wouldSend;

	public RecipientLimitExceededException(String specName, long wouldSend, long limit, Long confirmed) {
		super(message(specName, wouldSend, limit, confirmed));
		this.wouldSend = wouldSend;
	}

	private static String message(String specName, long wouldSend, long limit, Long confirmed) {
		String would = "'" + specName + "' would send " + wouldSend + " email" + (wouldSend == 1 ? "" : "s");
		String rerun = "nothing was sent; run it again with --confirm " + wouldSend + " to send them";
		if (confirmed != null) {
			return "--confirm " + confirmed + " does not match: " + would + "; " + rerun;
		}
		return would + ", more than max-recipients " + limit + "; " + rerun;
	}

	/** How many emails the run would send: the number {@code --confirm} takes. */
	public long wouldSend() {
		return wouldSend;
	}

}
