package org.invitations.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs a run's JSON summary to a URL, signed so the receiver can tell it came from us:
 * the header {@code X-Invitations-Signature: sha256=HEX} is the HMAC-SHA256 of the body
 * under the configured secret. Connection failures, 5xx and 429 are tried again with
 * backoff; any other reply is final.
 */
final class Webhook {

	static final String SIGNATURE_HEADER = "X-Invitations-Signature";

	private final HttpClient client;

	private final Duration timeout;

	Webhook(Duration timeout) {
		this.timeout = timeout;
		this.client = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * What the receiver said: its status code (0 when it could not be reached) and a
	 * short description.
	 */
	record Reply(int status, String detail) {

		boolean accepted() {
			return status >= 200 && status < 300;
		}

		boolean worthRetrying() {
			return status == 0 || status == 429 || status >= 500;
		}

	}

	static String sign(String secret, byte[] body) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA256 is not available: " + ex.getMessage(), ex);
		}
	}

	Reply post(URI url, String json, String secret, long executionId) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		HttpRequest request = HttpRequest.newBuilder(url)
			.timeout(timeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "invitations")
			.header("X-Invitations-Execution", Long.toString(executionId))
			.header(SIGNATURE_HEADER, sign(secret, body))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		try {
			HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
			return new Reply(response.statusCode(), "HTTP " + response.statusCode());
		}
		catch (IOException ex) {
			return new Reply(0, "cannot reach " + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + ": "
					+ (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Reply(-1, "interrupted");
		}
	}

}
