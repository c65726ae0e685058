package org.invitations.smtp;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Says whom a mail server's refusal is about, for both SMTP clients alike: one recipient
 * (that invitation fails or waits), or the sender and the session (quota, rate, policy:
 * every further message would be refused too, so the run pauses with nobody failed).
 * Decided by the command refused, the enhanced status code (RFC 3463) and, where those
 * say nothing, the reply's words.
 */
final class ReplyClassifier {

	/** The command a reply answers. */
	enum Stage {

		/** MAIL FROM: a refusal here is about the sender whatever it says. */
		MAIL,

		/** RCPT TO. */
		RCPT,

		/** DATA, or the end of the message's content. */
		DATA

	}

	/** What a reply means for the message and for the run. */
	enum Verdict {

		/** 2xx: the server took it. */
		ACCEPTED,

		/** This recipient, for now: try it again later. */
		RECIPIENT_TEMPORARY,

		/** This recipient or this message, for good: it fails. */
		RECIPIENT_PERMANENT,

		/**
		 * The sender or the session (quota, rate, policy, 421): the run pauses, nothing
		 * fails.
		 */
		SENDER_REFUSED

	}

	/**
	 * An enhanced status code at the start of the text, after the code and an optional
	 * '-' or ' '.
	 */
	private static final Pattern ENHANCED = Pattern.compile("^\\s*([245])\\.(\\d{1,3})\\.(\\d{1,3})\\b");

	/**
	 * Words that put a refusal on the sender or the session, whatever the code's subject
	 * says.
	 */
	private static final Pattern SENDER_ALWAYS = Pattern
		.compile("sending quota|submissionquota|sendasdenied|daily limit|sending limit|\\bsender\\b|not (a )?verified");

	/**
	 * Words that put a refusal without a telling status code on the sender or the
	 * session.
	 */
	private static final Pattern SENDER_WORDS = Pattern.compile("quota|limit|\\brate\\b|too many|too much|throttl|"
			+ "policy|relay|reputation|spam|blocked|authenticat|credits|unauthori[sz]ed|exceeded");

	/** Words by which a policy refusal (x.7.x) names the recipient instead. */
	private static final Pattern RECIPIENT_WORDS = Pattern.compile("recipient|resolver\\.|mailbox|user unknown");

	/**
	 * A provider's words for "you send too fast", as Gmail (4.7.28 unusual rate, 4.2.1
	 * receiving mail at a rate), Microsoft (4.7.500 server busy, 4.7.650 rate limited)
	 * and Yahoo ([TSS04] unexpected volume) write them.
	 */
	private static final Pattern RATE_WORDS = Pattern
		.compile("\\brate\\b|rate[- ]limit|too many|too much|throttl|unexpected volume|\\[tss04\\]|server busy");

	/** Enhanced codes that name a rate whatever their words. */
	private static final Pattern RATE_CODES = Pattern.compile("^\\s*4\\.7\\.(28|500|650)\\b");

	private ReplyClassifier() {
	}

	/**
	 * Whether a reply is a temporary refusal because mail comes too fast: a 4xx with
	 * Gmail's or Microsoft's rate codes, or with a 4.7.x (policy) or 4.2.1 (mailbox
	 * receiving too fast) code whose words name a rate, too many or too much, throttling,
	 * unexpected volume or Yahoo's [TSS04].
	 * @param code its three-digit code
	 * @param text the reply as received, code included, or null
	 */
	static boolean namesRate(int code, String text) {
		if (code / 100 != 4) {
			return false;
		}
		String words = words(code, text);
		if (RATE_CODES.matcher(words).find()) {
			return true;
		}
		// Without an enhanced code (Amazon SES's "454 Throttling failure") the rate is
		// the sending account's, not one provider's.
		Matcher enhanced = ENHANCED.matcher(words);
		if (!enhanced.find()) {
			return false;
		}
		String subject = enhanced.group(2);
		boolean policyOrMailbox = subject.equals("7") || subject.equals("2") && enhanced.group(3).equals("1");
		return policyOrMailbox && RATE_WORDS.matcher(words).find();
	}

	/**
	 * Classifies one reply.
	 * @param stage the command it answers
	 * @param code its three-digit code
	 * @param text the reply as received, code included, or null
	 */
	static Verdict classify(Stage stage, int code, String text) {
		if (code / 100 == 2 || code == 354) {
			return Verdict.ACCEPTED;
		}
		if (stage == Stage.MAIL || code == 421) {
			return Verdict.SENDER_REFUSED;
		}
		boolean permanent = code / 100 == 5;
		Verdict recipient = permanent ? Verdict.RECIPIENT_PERMANENT : Verdict.RECIPIENT_TEMPORARY;
		String words = words(code, text);
		if (words.contains("greylist") || words.contains("graylist")) {
			// Greylisting asks this message to come back later: the recipient's server,
			// nothing about the run.
			return Verdict.RECIPIENT_TEMPORARY;
		}
		if (SENDER_ALWAYS.matcher(words).find()) {
			return Verdict.SENDER_REFUSED;
		}
		Matcher enhanced = ENHANCED.matcher(words);
		if (enhanced.find()) {
			int subject = Integer.parseInt(enhanced.group(2));
			int detail = Integer.parseInt(enhanced.group(3));
			switch (subject) {
				case 1:
					// x.1.7 and x.1.8: the sender's address; every other x.1.x: the
					// recipient's.
					return detail == 7 || detail == 8 ? Verdict.SENDER_REFUSED : recipient;
				case 2:
				case 3:
				case 6:
					// The mailbox (full, disabled, receiving too fast), the receiving
					// system or this message.
					return recipient;
				case 4:
					// x.4.5: the server is congested or a sending quota is used up.
					if (detail == 5) {
						return Verdict.SENDER_REFUSED;
					}
					break;
				case 7:
					return RECIPIENT_WORDS.matcher(words).find() ? recipient : Verdict.SENDER_REFUSED;
				default:
					break;
			}
		}
		return SENDER_WORDS.matcher(words).find() ? Verdict.SENDER_REFUSED : recipient;
	}

	/** The reply's text after its code, lower case. */
	private static String words(int code, String text) {
		if (text == null) {
			return "";
		}
		String lower = text.strip().toLowerCase(Locale.ROOT);
		String prefix = Integer.toString(code);
		if (lower.startsWith(prefix)) {
			lower = lower.substring(prefix.length());
			if (!lower.isEmpty() && (lower.charAt(0) == '-' || lower.charAt(0) == ' ')) {
				lower = lower.substring(1);
			}
		}
		return lower;
	}

}
