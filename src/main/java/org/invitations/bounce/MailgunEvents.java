package org.invitations.bounce;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.invitations.invitation.BounceNotice;

/**
 * Mailgun's webhook payloads: the signature (hex HMAC-SHA256 of {@code timestamp} and
 * {@code token} with the webhook signing key, compared in constant time, the timestamp
 * recent), and the report an event gives: {@code failed} with severity {@code permanent}
 * is hard, {@code temporary} soft; {@code complained} a complaint. Mailgun returns only a
 * few headers of the message, its Message-ID among them, which names the invitation.
 */
final class MailgunEvents {

	static final String SOURCE = "Mailgun";

	private MailgunEvents() {
	}

	/** Why a payload is not believed: @return null when it is signed and recent. */
	static @Nullable String refusal(JsonNode payload, String signingKey, Duration maxAge, Instant now) {
		JsonNode signature = payload.path("signature");
		String timestamp = SesNotifications.text(signature, "timestamp");
		String token = SesNotifications.text(signature, "token");
		String signed = SesNotifications.text(signature, "signature");
		if (timestamp == null || token == null || signed == null || !timestamp.matches("\\d{1,12}")) {
			return "no signature";
		}
		long age = now.getEpochSecond() - Long.parseLong(timestamp);
		if (Math.abs(age) > maxAge.toSeconds()) {
			return "the signature's timestamp is " + age + " s old, more than " + maxAge.toSeconds() + " s";
		}
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			byte[] expected = HexFormat.of()
				.formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)))
				.getBytes(StandardCharsets.US_ASCII);
			return MessageDigest.isEqual(expected, signed.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
					? null : "the signature does not verify";
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The report an event gives, if it is a bounce or a complaint. */
	static List<BounceReport> read(JsonNode payload) {
		JsonNode event = payload.path("event-data");
		String type = SesNotifications.text(event, "event");
		String recipient = SesNotifications.text(event, "recipient");
		String messageId = SesNotifications.text(event.path("message").path("headers"), "message-id");
		String key = "mailgun:" + SesNotifications.text(event, "id");
		List<String> recipients = recipient == null ? List.of() : List.of(recipient);
		if ("failed".equals(type)) {
			BounceNotice.Kind kind = "permanent".equals(SesNotifications.text(event, "severity"))
					? BounceNotice.Kind.HARD : BounceNotice.Kind.SOFT;
			JsonNode status = event.path("delivery-status");
			String code = SesNotifications.text(status, "enhanced-code");
			String words = SesNotifications.text(status, "description");
			words = words == null || words.isBlank() ? SesNotifications.text(status, "message") : words;
			String smtp = SesNotifications.text(status, "code");
			return List.of(new BounceReport(kind, null, messageId, recipients, code,
					StatusWords.describe(kind, code, (smtp == null ? "" : smtp + " ") + (words == null ? "" : words)),
					key, "bounce: " + SOURCE));
		}
		if ("complained".equals(type)) {
			return List.of(new BounceReport(BounceNotice.Kind.COMPLAINT, null, messageId, recipients, "abuse",
					"reported as spam through " + SOURCE, key, "complaint: " + SOURCE));
		}
		return List.of();
	}

}
