package org.invitations.invitation;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An active entry of the suppression list: an address no run may send to, who put it
 * there, when and why.
 *
 * @param id the entry, newest highest (the console pages by it)
 * @param email the address as it was given
 * @param emailNormalized the address as it is matched
 * @param reason what kind of entry it is
 * @param detail the admin's words (or a server's reply)
 * @param source where it came from: {@code cancel of invitation 12}, {@code console},
 * {@code command line}
 * @param by who: {@code console:alice}, {@code api:crm}, {@code operator:NAME}
 * @param since when it was added
 */
public record Suppression(long id, String email, String emailNormalized, SuppressedBecause reason, String detail,
		String source, String by, Instant since) {

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

	/**
	 * The entry in the report's and the history's words:
	 * {@code suppressed since 2026-12-04 by console:alice: Left the parish}.
	 */
	public String describe() {
		return "suppressed since " + DAY.format(since) + " by " + by + ": " + detail;
	}

}
