package org.invitations.bounce;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where bounces and complaints come from: a mailbox {@code serve} polls, and the
 * providers' webhooks. Each is off until configured.
 *
 * @param imap the bounce mailbox
 * @param ses Amazon SES notifications through an SNS topic
 * @param mailgun Mailgun's webhooks
 */
@ConfigurationProperties("invitations.bounces")
public record BounceProperties(@DefaultValue Imap imap, @DefaultValue Ses ses, @DefaultValue Mailgun mailgun) {

	/**
	 * The mailbox that receives delivery status notifications and feedback reports (the
	 * Return-Path or a provider's forwarding address): {@code serve} reads it on a
	 * schedule.
	 *
	 * @param host the IMAP server; no host, no polling
	 * @param port its port (993 with TLS, 143 without)
	 * @param username the mailbox's user name
	 * @param password its password
	 * @param folder the folder the reports arrive in
	 * @param ssl connect with TLS (IMAPS); without it the password travels in clear text
	 * @param pollInterval how often the folder is read
	 * @param processedFolder where matched reports are moved, if that folder exists; if
	 * not, they are flagged seen and deleted
	 * @param timeout how long a connection or a read may take
	 */
	public record Imap(@Nullable String host, @DefaultValue("993") int port, @Nullable String username,
			@Nullable String password, @DefaultValue("INBOX") String folder, @DefaultValue("true") boolean ssl,
			@DefaultValue("5m") Duration pollInterval, @DefaultValue("Processed") String processedFolder,
			@DefaultValue("30s") Duration timeout) {

		public boolean enabled() {
			return host != null && !host.isBlank();
		}

		/** {@code imap.example.org:993/INBOX}, as the logs name it. */
		public String describe() {
			return host + ":" + port + "/" + folder;
		}

	}

	/**
	 * Amazon SES bounce and complaint notifications, delivered by an SNS topic's HTTPS
	 * subscription to {@code POST /hooks/ses}.
	 *
	 * @param enabled accept notifications (refused with 404 otherwise)
	 * @param topicArns the topics whose messages are accepted; empty: any topic (the
	 * signature still proves it came from SNS)
	 * @param confirmSubscriptions confirm a subscription by fetching its SubscribeURL
	 * (only an SNS host's); when false the URL is logged for an admin to open
	 */
	public record Ses(@DefaultValue("false") boolean enabled, @DefaultValue List<String> topicArns,
			@DefaultValue("true") boolean confirmSubscriptions) {
	}

	/**
	 * Mailgun's {@code failed} and {@code complained} webhooks, to
	 * {@code POST /hooks/mailgun}.
	 *
	 * @param signingKey the HTTP webhook signing key (Mailgun's dashboard: Webhooks); no
	 * key, refused with 404
	 * @param maxAge how old a signed timestamp may be: an older request is refused as a
	 * replay
	 */
	public record Mailgun(@Nullable String signingKey, @DefaultValue("5m") Duration maxAge) {
	}

}
