package org.invitations.selection;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.invitations.invitation.RejectReason;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The address check is written as loops; the regular expressions it replaced are its
 * specification here, compared on random addresses built from the characters that matter
 * (atext, dots, hyphens, blanks, quotes, non-ASCII, several {@code @}).
 */
class EmailAddressesTest {

	private static final Pattern LOCAL = Pattern
		.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

	private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

	private static final String LOCAL_CHARACTERS = "aZ09..!#$%&'*+/=?^_`{|}~-\" (),:;<>[\\]é\u202E";

	private static final String DOMAIN_CHARACTERS = "azAZ09...---_ é";

	/** Mostly what a valid address is made of, so that many are accepted. */
	private static final String PLAIN_LOCAL = "abcZ09.+_-";

	private static final String PLAIN_DOMAIN = "abcZ09..-";

	@Test
	void agreesWithTheRegularExpressionsOnRandomAddresses() {
		Random random = new Random(20261206);
		int rejected = 0;
		for (int n = 0; n < 300_000; n++) {
			boolean plain = random.nextBoolean();
			String address = random(random, plain ? PLAIN_LOCAL : LOCAL_CHARACTERS,
					random.nextInt(random.nextInt(8) == 0 ? 70 : 8)) + (random.nextInt(20) == 0 ? "" : "@")
					+ (random.nextInt(30) == 0 ? "x@" : "") + random(random, plain ? PLAIN_DOMAIN : DOMAIN_CHARACTERS,
							random.nextInt(random.nextInt(8) == 0 ? 80 : 14));
			EmailAddresses.Problem expected = reference(address);
			assertThat(EmailAddresses.check(address)).as(address).isEqualTo(expected);
			rejected += expected == null ? 0 : 1;
		}
		// Both kinds occur often enough to mean something.
		assertThat(rejected).isBetween(10_000, 290_000);
	}

	@Test
	void acceptsPlainAddressesAndLongLabelsUpToTheLimit() {
		assertThat(EmailAddresses.check("o'brien+tag@mail.example.co.uk")).isNull();
		assertThat(EmailAddresses.check("a@" + "b".repeat(63) + ".org")).isNull();
		assertThat(EmailAddresses.check("a@" + "b".repeat(64) + ".org")).isEqualTo(new EmailAddresses.Problem(
				RejectReason.EMAIL_TOO_LONG, "domain label '" + "b".repeat(64) + "' has 64 characters, at most 63"));
		assertThat(EmailAddresses.check("a@example.")).isEqualTo(
				new EmailAddresses.Problem(RejectReason.INVALID_EMAIL, "domain 'example.' is not a valid host name"));
	}

	private static String random(Random random, String alphabet, int length) {
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return text.toString();
	}

	/** The check as it was written with the regular expressions. */
	private static EmailAddresses.Problem reference(String email) {
		int at = email.lastIndexOf('@');
		if (at <= 0 || at == email.length() - 1 || email.indexOf('@') != at) {
			return new EmailAddresses.Problem(RejectReason.INVALID_EMAIL,
					"needs exactly one @ between a name and a domain");
		}
		String local = email.substring(0, at);
		String domain = email.substring(at + 1);
		if (local.length() > EmailAddresses.MAX_LOCAL) {
			return new EmailAddresses.Problem(RejectReason.EMAIL_TOO_LONG,
					"local part has " + local.length() + " characters, at most " + EmailAddresses.MAX_LOCAL);
		}
		if (domain.length() > EmailAddresses.MAX_DOMAIN || email.length() > EmailAddresses.MAX_ADDRESS) {
			return new EmailAddresses.Problem(RejectReason.EMAIL_TOO_LONG,
					"address has " + email.length() + " characters, at most " + EmailAddresses.MAX_ADDRESS);
		}
		if (!LOCAL.matcher(local).matches()) {
			return new EmailAddresses.Problem(RejectReason.INVALID_EMAIL,
					"local part '" + local + "' is not a plain dot-atom");
		}
		String[] labels = domain.split("\\.", -1);
		if (labels.length < 2) {
			return new EmailAddresses.Problem(RejectReason.INVALID_EMAIL, "domain '" + domain + "' has no dot");
		}
		for (String label : labels) {
			if (label.length() > EmailAddresses.MAX_LABEL) {
				return new EmailAddresses.Problem(RejectReason.EMAIL_TOO_LONG, "domain label '" + label + "' has "
						+ label.length() + " characters, at most " + EmailAddresses.MAX_LABEL);
			}
			if (!LABEL.matcher(label).matches()) {
				return new EmailAddresses.Problem(RejectReason.INVALID_EMAIL,
						"domain '" + domain + "' is not a valid host name");
			}
		}
		return null;
	}

}
