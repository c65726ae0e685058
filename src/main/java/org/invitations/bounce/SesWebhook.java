package org.invitations.bounce;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Amazon SES bounces and complaints through an SNS topic's HTTPS subscription. Nothing
 * but the SNS signature authenticates a request (no session, no CSRF token): a message
 * whose certificate URL is not an SNS host's, whose signature does not verify, or whose
 * topic is not allowed, is refused with 403 and changes nothing. A subscription is
 * confirmed by fetching its SubscribeURL, itself only an SNS host's.
 */
@RestController
@ConditionalOnWebApplication
class SesWebhook {

	private static final Logger log = LoggerFactory.getLogger(SesWebhook.class);

	private final BounceProperties.Ses ses;

	private final SnsCertificates certificates;

	private final Bounces bounces;

	private final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(10))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	SesWebhook(BounceProperties properties, SnsCertificates certificates, Bounces bounces) {
		this.ses = properties.ses();
		this.certificates = certificates;
		this.bounces = bounces;
	}

	@PostMapping("/hooks/ses")
	ResponseEntity<String> receive(@RequestBody(required = false) String body) {
		if (!ses.enabled()) {
			return answer(HttpStatus.NOT_FOUND, "Amazon SES notifications are not enabled");
		}
		JsonNode message;
		try {
			message = json.readTree(body == null ? "" : body);
		}
		catch (JacksonException ex) {
			return answer(HttpStatus.BAD_REQUEST, "not an SNS message: no JSON");
		}
		String type = SnsMessages.text(message, "Type");
		if (!message.isObject() || type == null || SnsMessages.text(message, "Signature") == null) {
			return answer(HttpStatus.BAD_REQUEST, "not an SNS message: no Type or Signature");
		}
		try {
			SnsMessages.verify(message, certificates);
		}
		catch (SnsMessages.Refused ex) {
			log.warn("Refused an SNS message ({}): {}", type, ex.getMessage());
			return answer(HttpStatus.FORBIDDEN, "refused: " + ex.getMessage());
		}
		String topic = SnsMessages.text(message, "TopicArn");
		if (!ses.topicArns().isEmpty() && !ses.topicArns().contains(topic)) {
			log.warn("Refused an SNS message of topic {}: not in invitations.bounces.ses.topic-arns", topic);
			return answer(HttpStatus.FORBIDDEN, "refused: topic not allowed");
		}
		return switch (type) {
			case "Notification" -> notification(message);
			case "SubscriptionConfirmation" -> confirm(message, topic);
			default -> answer(HttpStatus.OK, "nothing to do for " + type);
		};
	}

	private ResponseEntity<String> notification(JsonNode message) {
		JsonNode notification;
		try {
			notification = json.readTree(SnsMessages.text(message, "Message"));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return answer(HttpStatus.BAD_REQUEST, "the SNS message holds no SES notification");
		}
		int applied = 0;
		int unmatched = 0;
		for (BounceReport report : SesNotifications.read(notification)) {
			if (bounces.apply(report) == Bounces.Outcome.UNMATCHED) {
				unmatched++;
				log.info("Amazon SES report {} matches no invitation", report.key());
			}
			else {
				applied++;
			}
		}
		// Unmatched is still an answer: SNS would only send it again.
		return answer(HttpStatus.OK, applied + " matched, " + unmatched + " unmatched");
	}

	private ResponseEntity<String> confirm(JsonNode message, String topic) {
		String url = SnsMessages.text(message, "SubscribeURL");
		if (!SnsMessages.trustedUrl(url)) {
			log.warn("Refused to confirm the subscription to {}: its SubscribeURL is not an SNS host's", topic);
			return answer(HttpStatus.FORBIDDEN, "refused: SubscribeURL is not an SNS host's");
		}
		if (!ses.confirmSubscriptions()) {
			log.info("Subscription to {} awaits confirmation: open {}", topic, url);
			return answer(HttpStatus.OK, "subscription not confirmed automatically");
		}
		try {
			int status = http
				.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
			log.info("Confirmed the subscription to {}: SNS answered {}", topic, status);
			return answer(status == 200 ? HttpStatus.OK : HttpStatus.BAD_GATEWAY, "confirmation answered " + status);
		}
		catch (java.io.IOException | InterruptedException ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			log.warn("Could not confirm the subscription to {} ({}): open {}", topic, ex.getMessage(), url);
			return answer(HttpStatus.BAD_GATEWAY, "confirmation failed");
		}
	}

	static ResponseEntity<String> answer(HttpStatus status, String text) {
		return ResponseEntity.status(status)
			.contentType(org.springframework.http.MediaType.TEXT_PLAIN)
			.body(text + "\n");
	}

}
