package org.invitations.selection;

import java.util.Locale;

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

	/** The characters of a dot-atom's atoms (RFC 5322 atext). */
	private static final String ATEXT_SYMBOLS = "!#$%&'*+/=?^_`{|}~-";

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
		if (!isDotAtom(local)) {
			return new Problem(RejectReason.INVALID_EMAIL, "local part '" + local + "' is not a plain dot-atom");
		}
		if (domain.indexOf('.') < 0) {
			return new Problem(RejectReason.INVALID_EMAIL, "domain '" + domain + "' has no dot");
		}
		int start = 0;
		while (start <= domain.length()) {
			int end = domain.indexOf('.', start);
			if (end < 0) {
				end = domain.length();
			}
			if (end - start > MAX_LABEL) {
				String label = domain.substring(start, end);
				return new Problem(RejectReason.EMAIL_TOO_LONG,
						"domain label '" + label + "' has " + label.length() + " characters, at most " + MAX_LABEL);
			}
			if (!isLabel(domain, start, end)) {
				return new Problem(RejectReason.INVALID_EMAIL, "domain '" + domain + "' is not a valid host name");
			}
			start = end + 1;
		}
		return null;
	}

	// Loops rather than regular expressions: every input row's address passes here, and
	// the two patterns and the split cost more than the rest of its validation. The
	// patterns they replace are the test's reference (EmailAddressesTest).

	/** atext+ ("." atext+)*: no leading, trailing or doubled dot. */
	private static boolean isDotAtom(String text) {
		if (text.isEmpty() || text.charAt(0) == '.' || text.charAt(text.length() - 1) == '.') {
			return false;
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '.') {
				if (text.charAt(i - 1) == '.') {
					return false;
				}
			}
			else if (!isAsciiLetterOrDigit(c) && ATEXT_SYMBOLS.indexOf(c) < 0) {
				return false;
			}
		}
		return true;
	}

	/** A host name's label: letters, digits and inner hyphens, 1 to 63 of them. */
	private static boolean isLabel(String text, int start, int end) {
		if (end <= start || end - start > MAX_LABEL || !isAsciiLetterOrDigit(text.charAt(start))
				|| !isAsciiLetterOrDigit(text.charAt(end - 1))) {
			return false;
		}
		for (int i = start + 1; i < end - 1; i++) {
			char c = text.charAt(i);
			if (c != '-' && !isAsciiLetterOrDigit(c)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isAsciiLetterOrDigit(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}

	record Problem(RejectReason reason, String detail) {
	}

}
