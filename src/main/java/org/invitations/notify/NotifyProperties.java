package org.invitations.notify;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Completion notifications, for every spec.
 *
 * @param to addresses told about every run, on top of each spec's {@code notify:}
 * @param from sender of notifications; by default {@code invitations.mail.from}
 * @param attachLimit the HTML report is attached up to this size; a larger one is
 * replaced by the command that makes it
 * @param webhookSecret the key of the HMAC-SHA256 signature of webhook calls; without it
 * no webhook is called
 * @param attempts tries of one notification before it is recorded as failed
 * @param retryDelay wait before the second try, doubled before each further one
 * @param timeout connect and response timeout of a webhook call
 */
@ConfigurationProperties("invitations.notify")
public record NotifyProperties(@DefaultValue List<String> to, String from, @DefaultValue("5MB") DataSize attachLimit,
		String webhookSecret, @DefaultValue("3") int attempts, @DefaultValue("1s") Duration retryDelay,
		@DefaultValue("10s") Duration timeout) {
}
