package org.invitations.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs one event as a Standard Webhook: the body {@code {"type", "timestamp", "data"}},
 * signed with the {@code webhook-id}, {@code webhook-timestamp} and
 * {@code webhook-signature} headers. Redirects are not followed (a moved receiver is
 * reconfigured, not chased); a 2xx within the timeout is delivered, anything else is not.
 */
final class EventPoster {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient client;

	private final URI url;

	private final Signature signature;

	private final Duration timeout;

	EventPoster(URI url, String secret, Duration timeout) {
		this.url = url;
		this.signature = new Signature(secret);
		this.timeout = timeout;
		this.client = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * What one attempt got: the status (0 if none came) or the error, how long it took,
	 * and the wait a {@code Retry-After} header asked for (in seconds, at most a day).
	 */
	record Reply(int status, @Nullable String error, long millis, @Nullable Duration retryAfter) {

		boolean delivered() {
			return status >= 200 && status < 300;
		}

	}

	/** The id a receiver sees in {@code webhook-id}: the same on every attempt. */
	static String webhookId(Outbox.Claimed event) {
		return "msg_" + event.messageId().toString().replace("-", "");
	}

	/** The body of an event, compact, its data in the order it was written. */
	static String body(Outbox.Claimed event) {
		return "{\"type\":\"" + event.type() + "\",\"timestamp\":\"" + event.occurredAt() + "\",\"data\":"
				+ JSON.writeValueAsString(JSON.readTree(event.data())) + "}";
	}

	/** Sends the event; the future never fails, a failure is a reply. */
	CompletableFuture<Reply> post(Outbox.Claimed event) {
		byte[] body = body(event).getBytes(StandardCharsets.UTF_8);
		String id = webhookId(event);
		long timestamp = Instant.now().getEpochSecond();
		HttpRequest request = HttpRequest.newBuilder(url)
			.timeout(timeout)
			.header("Content-Type", "application/json")
			.header("User-Agent", "invitations")
			.header("webhook-id", id)
			.header("webhook-timestamp", Long.toString(timestamp))
			.header("webhook-signature", signature.sign(id, timestamp, body))
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build();
		long start = System.nanoTime();
		return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
			long millis = (System.nanoTime() - start) / 1_000_000;
			if (failure == null) {
				return new Reply(response.statusCode(), null, millis,
						response.headers().firstValue("Retry-After").map(EventPoster::seconds).orElse(null));
			}
			return new Reply(0, describe(failure), millis, null);
		});
	}

	private String describe(Throwable failure) {
		Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
				: failure;
		if (cause instanceof HttpTimeoutException) {
			return "no answer from " + where() + " within " + timeout.toMillis() + " ms";
		}
		String message = cause.getMessage();
		return "cannot reach " + where() + ": "
				+ (message == null || message.isBlank() ? cause.getClass().getSimpleName() : message);
	}

	private static @Nullable Duration seconds(String header) {
		return header.strip().matches("\\d{1,6}")
				? Duration.ofSeconds(Math.min(Long.parseLong(header.strip()), Duration.ofDays(1).toSeconds())) : null;
	}

	private String where() {
		return url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
	}

}
