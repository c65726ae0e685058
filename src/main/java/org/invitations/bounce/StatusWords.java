package org.invitations.bounce;

import org.jspecify.annotations.Nullable;

import org.invitations.invitation.BounceNotice;

/**
 * A bounce in an admin's words: what its enhanced status code (RFC 3463) means, then the
 * server's own words, e.g. {@code address does not exist (5.1.1: 550 5.1.1 User
 * unknown)}.
 */
final class StatusWords {

	private static final int MAX = 500;

	private StatusWords() {
	}

	static String describe(BounceNotice.Kind kind, @Nullable String status, @Nullable String serverWords) {
		String meaning = meaning(kind, status == null ? "" : status.strip());
		StringBuilder text = new StringBuilder(meaning);
		String words = serverWords == null ? "" : serverWords.replaceAll("\\s+", " ").strip();
		if (status != null && !status.isBlank()) {
			text.append(" (").append(status.strip()).append(words.isEmpty() ? ")" : ": " + words + ")");
		}
		else if (!words.isEmpty()) {
			text.append(" (").append(words).append(')');
		}
		return text.length() > MAX ? text.substring(0, MAX) + "…" : text.toString();
	}

	/** The subject and detail of the code ({@code X.1.1}), whatever its class. */
	private static String meaning(BounceNotice.Kind kind, String status) {
		String detail = status.length() > 2 ? status.substring(2) : "";
		return switch (detail) {
			case "1.1" -> "address does not exist";
			case "1.2" -> "the address's domain does not exist";
			case "1.10" -> "the address's domain takes no mail";
			case "2.1" -> "mailbox disabled";
			case "2.2" -> "mailbox full";
			case "3.4", "2.3" -> "message too large";
			case "4.1", "4.2", "4.7" -> "the recipient's server did not answer in time";
			default -> {
				if (detail.startsWith("7.")) {
					yield "refused by the recipient's server's policy";
				}
				yield kind == BounceNotice.Kind.HARD ? "refused for good by the recipient's server"
						: "refused for now by the recipient's server";
			}
		};
	}

}
