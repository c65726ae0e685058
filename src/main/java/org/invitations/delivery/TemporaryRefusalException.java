package org.invitations.delivery;

/** The server answered 4xx for one message: try again later. Carries the reply for when retries run out. */
class TemporaryRefusalException extends RuntimeException {

	private final SendResult result;

	TemporaryRefusalException(SendResult result) {
		super(result.reply(), null, false, false);
		this.result = result;
	}

	SendResult result() {
		return result;
	}

}
