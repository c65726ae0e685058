package org.invitations.support;

import java.util.regex.Pattern;

/**
 * Domain names as DNS and DKIM take them (RFC 1035 labels, RFC 6376 3.1 selectors):
 * letters, digits and hyphens, dot-separated labels of at most 63, at most 253 in all. An
 * internationalised name is given in its ASCII form ({@code xn--…}).
 */
public final class DnsNames {

	private static final Pattern NAME = Pattern.compile(
			"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

	private DnsNames() {
	}

	public static boolean isValid(String name) {
		return NAME.matcher(name).matches();
	}

}
