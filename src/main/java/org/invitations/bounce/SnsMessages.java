package org.invitations.bounce;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Whether an SNS message is what SNS sent: its {@code SigningCertURL} must be an
 * {@code https://} URL of an SNS host ({@code sns.<region>.amazonaws.com}, or
 * {@code .amazonaws.com.cn}), checked before anything is fetched, and its
 * {@code Signature} must verify with that certificate over the canonical string of its
 * type (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA).
 */
final class SnsMessages {

	private static final Pattern SNS_HOST = Pattern.compile("sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?");

	private static final List<String> NOTIFICATION = List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn",
			"Type");

	private static final List<String> SUBSCRIPTION = List.of("Message", "MessageId", "SubscribeURL", "Timestamp",
			"Token", "TopicArn", "Type");

	private SnsMessages() {
	}

	/** Why a message is not believed; the webhook answers 403 with it. */
	static final class Refused extends Exception {

		Refused(String message) {
			super(message);
		}

	}

	/** An {@code https://} URL of an SNS host, on the default port, without user info. */
	static boolean trustedUrl(@Nullable String url) {
		try {
			URI uri = url == null ? null : new URI(url);
			return uri != null && "https".equals(uri.getScheme()) && uri.getRawUserInfo() == null
					&& (uri.getPort() == -1 || uri.getPort() == 443) && uri.getHost() != null
					&& SNS_HOST.matcher(uri.getHost()).matches();
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	/** Checks the signature; the certificate is fetched only for a trusted URL. */
	static void verify(JsonNode message, SnsCertificates certificates) throws Refused {
		String certUrl = text(message, "SigningCertURL");
		if (!trustedUrl(certUrl)) {
			throw new Refused("the signing certificate URL is not an SNS host's: " + certUrl);
		}
		String version = text(message, "SignatureVersion");
		String algorithm = "1".equals(version) ? "SHA1withRSA" : "2".equals(version) ? "SHA256withRSA" : null;
		if (algorithm == null) {
			throw new Refused("unknown SignatureVersion " + version);
		}
		String type = text(message, "Type");
		List<String> fields = "Notification".equals(type) ? NOTIFICATION : SUBSCRIPTION;
		StringBuilder canonical = new StringBuilder();
		for (String field : fields) {
			String value = text(message, field);
			if (value != null) {
				canonical.append(field).append('\n').append(value).append('\n');
			}
		}
		try {
			X509Certificate certificate = certificates.certificate(URI.create(certUrl));
			certificate.checkValidity();
			Signature signature = Signature.getInstance(algorithm);
			signature.initVerify(certificate.getPublicKey());
			signature.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
			String signed = text(message, "Signature");
			if (signed == null || !signature.verify(Base64.getDecoder().decode(signed))) {
				throw new Refused("the signature does not verify");
			}
		}
		catch (IOException | GeneralSecurityException | IllegalArgumentException ex) {
			throw new Refused("the signature cannot be checked: " + ex.getMessage());
		}
	}

	static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value == null || value.isNull() ? null : value.asString();
	}

}
