package org.invitations.console;

import java.security.Principal;

/** How the console and the API name the signed-in user in every history they write. */
final class Actors {

	private Actors() {
	}

	/** {@code console:alice} for a page user, {@code api:crm} for an API key. */
	static String of(Principal principal) {
		String name = principal.getName();
		return name.startsWith("key:") ? "api:" + name.substring(4) : "console:" + name;
	}

}
