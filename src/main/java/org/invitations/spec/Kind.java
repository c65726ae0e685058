package org.invitations.spec;

/**
 * What a job sends: an invitation, password-reset instructions, or whichever fits each
 * person.
 */
public enum Kind {

	/** A first set-password link, for people who never logged in. */
	INVITATION("invitation"),

	/** Reset instructions, for people who already have a password. */
	PASSWORD_RESET("password-reset"),

	/**
	 * An invitation to people who never logged in, reset instructions to those who did.
	 */
	AUTO("auto");

	private final String key;

	Kind(String key) {
		this.key = key;
	}

	/** The spelling used in specs and template names. */
	public String key() {
		return key;
	}

	public static Kind fromKey(String key) {
		for (Kind kind : values()) {
			if (kind.key.equals(key)) {
				return kind;
			}
		}
		throw new IllegalArgumentException("must be one of invitation, password-reset, auto");
	}

}
