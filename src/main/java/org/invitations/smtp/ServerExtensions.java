package org.invitations.smtp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a server offers in its reply to EHLO (RFC 5321, 4.1.1.1): PIPELINING (RFC 2920),
 * STARTTLS (RFC 3207) and the login mechanisms of AUTH (RFC 4954, also in the
 * {@code AUTH=} form some older servers still send).
 */
record ServerExtensions(boolean pipelining, boolean startTls, List<String> authMechanisms) {

	/** A server that answered HELO only: it offers nothing. */
	static final ServerExtensions NONE = new ServerExtensions(false, false, List.of());

	static ServerExtensions of(SmtpReply ehlo) {
		boolean pipelining = false;
		boolean startTls = false;
		List<String> auth = List.of();
		// The first line greets; each further line names one extension and its
		// parameters.
		for (String line : ehlo.lines().subList(1, ehlo.lines().size())) {
			String[] words = line.length() > 4 ? line.substring(4).strip().toUpperCase(Locale.ROOT).split("[\\s=]+")
					: new String[0];
			if (words.length == 0) {
				continue;
			}
			switch (words[0]) {
				case "PIPELINING" -> pipelining = true;
				case "STARTTLS" -> startTls = true;
				case "AUTH" -> auth = Arrays.asList(words).subList(1, words.length);
				default -> {
				}
			}
		}
		return new ServerExtensions(pipelining, startTls, List.copyOf(auth));
	}

}
