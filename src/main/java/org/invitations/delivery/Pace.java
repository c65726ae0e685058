package org.invitations.delivery;

/**
 * What a sender waits for before it hands the server a message: a throttle of this
 * process, one shared with every process that sends for the same spec, or both.
 */
interface Pace {

	/** Waits until the next message may leave. */
	void acquire();

	/** Waits for both, one after the other. */
	static Pace both(Pace first, Pace second) {
		return () -> {
			first.acquire();
			second.acquire();
		};
	}

}
