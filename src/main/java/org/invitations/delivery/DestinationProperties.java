package org.invitations.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits per destination: messages per second and connections sending at once, per group
 * of recipient domains (a mailbox provider's), beside the global and the spec's limits.
 * No group configured, no cost: delivery then never looks at a recipient's domain.
 *
 * @param destinations the groups by name; {@code google}, {@code microsoft} and
 * {@code yahoo} know their domains without a list
 * @param destinationWait how long a connection may wait for a group's turn while other
 * mail flows; a message whose turn is further away is put back in the queue, unsent, for
 * the run's last pass
 */
@ConfigurationProperties("invitations.mail")
public record DestinationProperties(@DefaultValue Map<String, Destination> destinations,
		@DefaultValue("250ms") Duration destinationWait) {

	/** The domains of the groups that need no list. */
	static final Map<String, List<String>> BUILT_IN = Map.of("google", List.of("gmail.com", "googlemail.com"),
			"microsoft",
			List.of("outlook.com", "hotmail.com", "live.com", "msn.com", "passport.com", "windowslive.com",
					"outlook.co.uk", "outlook.fr", "outlook.de", "outlook.es", "outlook.it", "hotmail.co.uk",
					"hotmail.fr", "hotmail.de", "hotmail.es", "hotmail.it", "hotmail.nl", "hotmail.be", "live.co.uk",
					"live.fr", "live.de", "live.nl", "live.it", "live.be", "live.ca", "live.com.au"),
			"yahoo",
			List.of("yahoo.com", "ymail.com", "rocketmail.com", "aol.com", "aim.com", "yahoo.co.uk", "yahoo.fr",
					"yahoo.de", "yahoo.es", "yahoo.it", "yahoo.ca", "yahoo.com.au", "yahoo.com.br", "yahoo.in"));

	public DestinationProperties {
		if (destinationWait == null || destinationWait.isNegative()) {
			throw new IllegalArgumentException(
					"invitations.mail.destination-wait must be 0 or more, not " + destinationWait);
		}
		Map<String, String> owners = new HashMap<>();
		Map<String, Destination> checked = new LinkedHashMap<>();
		destinations.forEach((name, destination) -> {
			String key = "invitations.mail.destinations." + name;
			List<String> domains = destination.domains().isEmpty() ? BUILT_IN.getOrDefault(name, List.of())
					: destination.domains();
			if (domains.isEmpty()) {
				throw new IllegalArgumentException(key + ".domains is empty: list the group's domains (only "
						+ String.join(", ", BUILT_IN.keySet().stream().sorted().toList()) + " have built-in lists)");
			}
			for (String domain : domains) {
				String lower = domain == null ? "" : domain.strip().toLowerCase(Locale.ROOT);
				if (lower.isEmpty() || !lower.matches("[a-z0-9.-]+") || lower.startsWith(".") || lower.endsWith(".")) {
					throw new IllegalArgumentException(
							key + ".domains has '" + domain + "': write a domain such as example.org");
				}
				String other = owners.putIfAbsent(lower, name);
				if (other != null && !other.equals(name)) {
					throw new IllegalArgumentException(key + ".domains has " + lower + ", which group " + other
							+ " has too: a domain belongs to one group");
				}
			}
			if (!(destination.perSecond() >= 0) || Double.isInfinite(destination.perSecond())) {
				throw new IllegalArgumentException(
						key + ".per-second must be 0 (no limit) or more, not " + destination.perSecond());
			}
			if (destination.connections() < 0) {
				throw new IllegalArgumentException(
						key + ".connections must be 0 (no limit) or more, not " + destination.connections());
			}
			if (destination.coolDown() == null || destination.coolDown().isNegative()
					|| destination.coolDown().isZero()) {
				throw new IllegalArgumentException(
						key + ".cool-down must be more than 0, not " + destination.coolDown());
			}
			checked.put(name, new Destination(domains.stream().map(d -> d.strip().toLowerCase(Locale.ROOT)).toList(),
					destination.perSecond(), destination.connections(), destination.coolDown()));
		});
		destinations = Map.copyOf(checked);
	}

	/**
	 * One group of recipient domains and its limits.
	 *
	 * @param domains the recipients' domains, matched exactly (a subdomain is a domain of
	 * its own); empty for a built-in group's list
	 * @param perSecond at most this many messages per second to the group (0: no limit of
	 * its own)
	 * @param connections at most this many of the run's connections sending to the group
	 * at once (0: no limit of its own)
	 * @param coolDown after a refusal that names a rate the group's rate is halved; each
	 * cool-down without another such refusal it grows by a third, up to its limit again
	 */
	public record Destination(@DefaultValue List<String> domains, @DefaultValue("0") double perSecond,
			@DefaultValue("0") int connections, @DefaultValue("1m") Duration coolDown) {
	}

}
