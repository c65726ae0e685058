package org.invitations.smtp;

/**
 * Tells a refusal that says mail comes too fast (see {@link ReplyClassifier#namesRate}),
 * so that delivery can slow down towards the provider that sent it.
 */
public final class RateRefusals {

	private RateRefusals() {
	}

	/**
	 * Whether this reply, as a {@link SendResult} or a {@link SenderRefusedException}
	 * carries it (code first), is a temporary refusal that names a rate.
	 */
	public static boolean namesRate(String reply) {
		if (reply == null) {
			return false;
		}
		String text = reply.strip();
		if (text.length() < 3 || !Character.isDigit(text.charAt(0)) || !Character.isDigit(text.charAt(1))
				|| !Character.isDigit(text.charAt(2))) {
			return false;
		}
		return ReplyClassifier.namesRate(Integer.parseInt(text.substring(0, 3)), text);
	}

}
