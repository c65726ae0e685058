package org.invitations.delivery;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The groups of recipient domains with limits of their own, for one step: which group a
 * recipient's domain is in, by one hash lookup.
 */
final class DestinationLimits {

	private final Map<String, DestinationGroup> byDomain;

	private final long waitNanos;

	private DestinationLimits(Map<String, DestinationGroup> byDomain, long waitNanos) {
		this.byDomain = byDomain;
		this.waitNanos = waitNanos;
	}

	/**
	 * The limits as configured, each group with a fresh budget; null when no group is
	 * configured, so that delivery need not ask.
	 */
	static @Nullable DestinationLimits of(DestinationProperties properties) {
		if (properties.destinations().isEmpty()) {
			return null;
		}
		Map<String, DestinationGroup> byDomain = new HashMap<>();
		properties.destinations().forEach((name, destination) -> {
			DestinationGroup group = new DestinationGroup(name, destination.perSecond(), destination.connections(),
					destination.coolDown());
			destination.domains().forEach(domain -> byDomain.put(domain, group));
		});
		return new DestinationLimits(byDomain, properties.destinationWait().toNanos());
	}

	/** The group of this address's domain, or null. */
	@Nullable DestinationGroup groupOf(String email) {
		int at = email.lastIndexOf('@');
		return at < 0 ? null : byDomain.get(email.substring(at + 1).toLowerCase(Locale.ROOT));
	}

	/**
	 * How long a connection may wait for a group's turn while other mail flows.
	 */
	long waitNanos() {
		return waitNanos;
	}

}
