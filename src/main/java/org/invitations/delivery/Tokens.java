package org.invitations.delivery;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import org.invitations.support.Checksums;

/** Single-use tokens: 256 random bits, URL-safe; only their SHA-256 is ever stored. */
public final class Tokens {

	static final int BYTES = 32;

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private Tokens() {
	}

	/** A new plaintext token: 43 URL-safe characters. */
	public static String generate() {
		byte[] bytes = new byte[BYTES];
		RANDOM.nextBytes(bytes);
		return ENCODER.encodeToString(bytes);
	}

	public static byte[] hash(String token) {
		return Checksums.sha256(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
	}

	public static String hashHex(String token) {
		return HexFormat.of().formatHex(hash(token));
	}

}
