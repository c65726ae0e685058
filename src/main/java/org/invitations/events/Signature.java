package org.invitations.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks symmetric signature: {@code v1,} and the base64 of the
 * HMAC-SHA256, under the secret's bytes, of {@code webhook-id.webhook-timestamp.body}.
 */
final class Signature {

	private static final String PREFIX = "whsec_";

	private final byte[] key;

	Signature(String secret) {
		this.key = key(secret);
	}

	/**
	 * The bytes of a {@code whsec_…} secret.
	 * @throws IllegalArgumentException when it is not base64 or too short, without
	 * showing it
	 */
	static byte[] key(String secret) {
		String encoded = secret.strip();
		encoded = encoded.startsWith(PREFIX) ? encoded.substring(PREFIX.length()) : encoded;
		byte[] key;
		try {
			key = Base64.getDecoder().decode(encoded);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("invitations.events.secret must be whsec_ followed by base64 (make one"
					+ " with: echo whsec_$(openssl rand -base64 32)): " + ex.getMessage());
		}
		if (key.length < 24 || key.length > 64) {
			throw new IllegalArgumentException("invitations.events.secret must hold 24 to 64 bytes after whsec_, not "
					+ key.length + " (make one with: echo whsec_$(openssl rand -base64 32))");
		}
		return key;
	}

	/** The {@code webhook-signature} header of one attempt. */
	String sign(String id, long timestamp, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available: " + ex.getMessage(), ex);
		}
	}

}
