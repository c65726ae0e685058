package org.invitations.events;

import java.util.Arrays;
import java.util.Locale;

/** What happened to an invitation, as the host application hears of it. */
public enum EventKind {

	/** The mail server took the invitation's message: its link is out. */
	SENT,
	/** The person used the link. */
	ACCEPTED,
	/** The address does not take mail: the link never arrived. */
	BOUNCED,
	/** The link passed its expiry unused. */
	EXPIRED,
	/** An operator, or the abandon of its run, cancelled it: the link no longer works. */
	CANCELLED,
	/** The mail server took a reminder with a new link; the first link works too. */
	REMINDED;

	/** The Standard Webhooks event type: {@code invitation.sent}. */
	public String type() {
		return "invitation." + name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The kind of a type, {@code invitation.sent} or {@code sent}.
	 * @throws IllegalArgumentException naming the types there are
	 */
	public static EventKind of(String type) {
		String name = type.strip().toLowerCase(Locale.ROOT);
		for (EventKind kind : values()) {
			if (kind.type().equals(name) || kind.name().toLowerCase(Locale.ROOT).equals(name)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("unknown event type '" + type + "'; the types are "
				+ String.join(", ", Arrays.stream(values()).map(EventKind::type).toList()));
	}

}
