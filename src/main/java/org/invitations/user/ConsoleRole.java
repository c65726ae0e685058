package org.invitations.user;

import java.util.List;
import java.util.Locale;

/**
 * What a console user or API key may do; each role may do everything the roles before it
 * may.
 */
public enum ConsoleRole {

	/** Reads every page and every API answer. */
	VIEWER,

	/** Also launches, resends, cancels, stops, restarts and abandons. */
	OPERATOR,

	/** Also manages console users. */
	ADMIN;

	/**
	 * The Spring Security authorities of this role: its own and those of the roles below
	 * it.
	 */
	public List<String> authorities() {
		return java.util.Arrays.stream(values())
			.filter(role -> role.ordinal() <= ordinal())
			.map(role -> "ROLE_" + role.name())
			.toList();
	}

	/** Reads {@code viewer}, {@code operator} or {@code admin} in any case. */
	public static ConsoleRole parse(String text) {
		try {
			return valueOf(text.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("role '" + text + "' is not one of viewer, operator, admin");
		}
	}

}
