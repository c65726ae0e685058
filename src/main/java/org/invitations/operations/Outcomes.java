package org.invitations.operations;

import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * The product's counters, by outcome and reason: {@code invitations.sent},
 * {@code invitations.skipped{reason}}, {@code invitations.rejected{reason}},
 * {@code invitations.failed{reason}}, {@code invitations.deferred},
 * {@code invitations.in_doubt}, and {@code invitations.reminders{outcome}}. They are
 * incremented once per recorded chunk or batch with its totals, never once per message.
 */
@Component
public class Outcomes {

	private final MeterRegistry registry;

	public Outcomes(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Counts a run's outcomes, e.g. {@code ("SKIPPED", "ALREADY_INVITED", 12)}. */
	public void count(String outcome, String reason, long n) {
		if (n <= 0) {
			return;
		}
		String name = switch (outcome) {
			case "SENT" -> "IN_DOUBT".equals(reason) ? "invitations.in_doubt" : "invitations.sent";
			case "SKIPPED" -> "invitations.skipped";
			case "REJECTED" -> "invitations.rejected";
			case "FAILED" -> "invitations.failed";
			case "DEFERRED" -> "invitations.deferred";
			default -> null;
		};
		if (name == null) {
			return;
		}
		Counter.Builder counter = Counter.builder(name).description("invitations recorded " + outcome.toLowerCase());
		if (!name.equals("invitations.sent") && !name.equals("invitations.in_doubt")) {
			counter.tag("reason", reason == null || reason.isEmpty() ? "none" : reason);
		}
		counter.register(registry).increment(n);
		if (name.equals("invitations.in_doubt")) {
			// An in-doubt message counts as sent: it is never sent a third time.
			Counter.builder("invitations.sent").register(registry).increment(n);
		}
	}

	/** Counts one batch of reminders by outcome. */
	public void reminded(Map<String, Long> countsByOutcome) {
		countsByOutcome.forEach((outcome, n) -> Counter.builder("invitations.reminders")
			.description("reminders before expiry, by outcome")
			.tag("outcome", outcome)
			.register(registry)
			.increment(n));
	}

}
