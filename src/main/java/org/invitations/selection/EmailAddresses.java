package org.invitations.selection;

import java.util.Locale;
import java.util.regex.Pattern;

import org.invitations.invitation.RejectReason;

/**
 * Syntax and length checks for the addresses we send to, and the normal form used to
 * recognise a person. Stricter than RFC 5322 on purpose: quoted local parts, comments and
 * IP literals are legal but are not addresses an organisation's members use, and
 * accepting them invites header tricks.
 */
public final class EmailAddresses {

	/**
	 * RFC 5321 4.5.3.1: local part 64 octets, domain 255, path 256 including the angle
	 * brackets.
	 */
	static final int MAX_LOCAL = 64;

	static final int MAX_DOMAIN = 255;

	static final int MAX_ADDRESS = 254;

	/** RFC 1035 2.3.4: each label of a domain name. */
	static final int MAX_LABEL = 63;

	private static final Pattern LOCAL = Pattern
		.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

	private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

	private EmailAddresses() {
	}

	/** Lower case, trimmed: how an address is matched to a stored person. */
	public static String normalize(String email) {
		return email.strip().toLowerCase(Locale.ROOT);
	}

	/** Why the address cannot be used, or {@code null} when it can. */
	static Problem check(String email) {
		int at = email.lastIndexOf('@');
		if (at <= 0 || at == email.length() - 1 || email.indexOf('@') != at) {
			return new Problem(RejectReason.INVALID_EMAIL, "needs exactly one @ between a name and a domain");
		}
		String local = email.substring(0, at);
		String domain = email.substring(at + 1);
		if (local.length() > MAX_LOCAL) {
			return new Problem(RejectReason.EMAIL_TOO_LONG,
					"local part has " + local.length() + " characters, at most " + MAX_LOCAL);
		}
		if (domain.length() > MAX_DOMAIN || email.length() > MAX_ADDRESS) {
			return new Problem(RejectReason.EMAIL_TOO_LONG,
					"address has " + email.length() + " characters, at most " + MAX_ADDRESS);
		}
		if (!LOCAL.matcher(local).matches()) {
			return new Problem(RejectReason.INVALID_EMAIL, "local part '" + local + "' is not a plain dot-atom");
		}
		String[] labels = domain.split("\\.", -1);
		if (labels.length < 2) {
			return new Problem(RejectReason.INVALID_EMAIL, "domain '" + domain + "' has no dot");
		}
		for (String label : labels) {
			if (label.length() > MAX_LABEL) {
				return new Problem(RejectReason.EMAIL_TOO_LONG,
						"domain label '" + label + "' has " + label.length() + " characters, at most " + MAX_LABEL);
			}
			if (!LABEL.matcher(label).matches()) {
				return new Problem(RejectReason.INVALID_EMAIL, "domain '" + domain + "' is not a valid host name");
			}
		}
		return null;
	}

	record Problem(RejectReason reason, String detail) {
	}

}
