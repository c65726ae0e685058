package org.invitations.bounce;

import java.time.Instant;

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
 * Mailgun's {@code failed} and {@code complained} webhooks. Only the payload's own
 * signature authenticates a request (no session, no CSRF token): one unsigned, wrongly
 * signed or older than {@code max-age} is refused with 403 and changes nothing.
 */
@RestController
@ConditionalOnWebApplication
class MailgunWebhook {

	private static final Logger log = LoggerFactory.getLogger(MailgunWebhook.class);

	private final BounceProperties.Mailgun mailgun;

	private final Bounces bounces;

	private final JsonMapper json = JsonMapper.builder().build();

	MailgunWebhook(BounceProperties properties, Bounces bounces) {
		this.mailgun = properties.mailgun();
		this.bounces = bounces;
	}

	@PostMapping("/hooks/mailgun")
	ResponseEntity<String> receive(@RequestBody(required = false) String body) {
		String key = mailgun.signingKey();
		if (key == null || key.isBlank()) {
			return SesWebhook.answer(HttpStatus.NOT_FOUND, "Mailgun webhooks are not enabled");
		}
		JsonNode payload;
		try {
			payload = json.readTree(body == null ? "" : body);
		}
		catch (JacksonException ex) {
			return SesWebhook.answer(HttpStatus.BAD_REQUEST, "not a Mailgun webhook: no JSON");
		}
		if (!payload.isObject() || !payload.has("signature") || !payload.has("event-data")) {
			return SesWebhook.answer(HttpStatus.BAD_REQUEST, "not a Mailgun webhook: no signature or event-data");
		}
		String refusal = MailgunEvents.refusal(payload, key, mailgun.maxAge(), Instant.now());
		if (refusal != null) {
			log.warn("Refused a Mailgun webhook: {}", refusal);
			return SesWebhook.answer(HttpStatus.FORBIDDEN, "refused: " + refusal);
		}
		int applied = 0;
		int unmatched = 0;
		for (BounceReport report : MailgunEvents.read(payload)) {
			if (bounces.apply(report) == Bounces.Outcome.UNMATCHED) {
				unmatched++;
				log.info("Mailgun event {} matches no invitation", report.key());
			}
			else {
				applied++;
			}
		}
		return SesWebhook.answer(HttpStatus.OK, applied + " matched, " + unmatched + " unmatched");
	}

}
