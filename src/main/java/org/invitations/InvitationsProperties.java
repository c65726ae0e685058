package org.invitations;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the application itself; database and mail server use the standard
 * {@code spring.datasource.*} and {@code spring.mail.*} properties.
 *
 * @param home folder for the embedded database and the outbox, when no server is
 * configured
 * @param mail mail settings
 * @param embeddedDatabase the embedded PostgreSQL used when {@code spring.datasource.url}
 * is not set
 */
@ConfigurationProperties("invitations")
public record InvitationsProperties(@DefaultValue(".invitations") Path home, @DefaultValue Mail mail,
		@DefaultValue EmbeddedDatabase embeddedDatabase) {

	/**
	 * Where the outbox is: the configured folder, or {@code outbox} under the home
	 * folder.
	 */
	public Path outbox() {
		return mail.outbox() != null ? mail.outbox() : home.resolve("outbox");
	}

	/**
	 * Mail settings.
	 *
	 * @param from sender of every email whose spec does not name one
	 * @param outbox folder that receives {@code .eml} files when {@code spring.mail.host}
	 * is not set
	 * @param connections SMTP connections used in parallel, each kept open for many
	 * messages
	 * @param retry how temporary refusals (4xx) and connection failures are retried
	 * before giving up
	 * @param ratePerSecond at most this many messages per second over all connections (0:
	 * no limit)
	 * @param dailyLimit at most this many messages in any 24 hours, over all jobs (0: no
	 * limit)
	 * @param directSmtp send through the built-in pipelining client when the server needs
	 * no login or TLS; false sends through Angus Mail always
	 * @param inDoubtWindow how many messages each connection may hand to the server
	 * beyond those whose hand-over is recorded: after a crash at most this many plus one
	 * per connection are sent again as in doubt; more keeps the connections from waiting
	 * for the database, fewer narrows what a crash can send twice
	 * @param dkim DKIM signing of every message; off unless a private key is set
	 */
	public record Mail(@DefaultValue("Invitations <no-reply@invitations.invalid>") String from, Path outbox,
			@DefaultValue("4") int connections, @DefaultValue Retry retry, @DefaultValue("0") double ratePerSecond,
			@DefaultValue("0") long dailyLimit, @DefaultValue("true") boolean directSmtp,
			@DefaultValue("50") int inDoubtWindow, @DefaultValue Dkim dkim) {
	}

	/**
	 * DKIM signing (RFC 6376) of every message, invitations, reminders and notifications
	 * alike; off unless a private key is set. A spec may sign as another domain or
	 * selector with the same key ({@code dkim:} in the spec).
	 *
	 * @param domain the signing domain ({@code d=}), whose DNS publishes the public key
	 * at {@code SELECTOR._domainkey.DOMAIN}; for DMARC, the From address's domain or a
	 * parent of it
	 * @param selector names the key under {@code _domainkey.} of the domain ({@code s=})
	 * @param privateKey the RSA (2048 bits recommended) or Ed25519 private key as PKCS#8
	 * PEM ({@code -----BEGIN PRIVATE KEY-----}): a resource such as
	 * {@code file:/etc/invitations/dkim.pem}, or the PEM text itself
	 */
	public record Dkim(@Nullable String domain, @Nullable String selector, @Nullable String privateKey) {
	}

	/**
	 * Retries of one message, with exponential backoff and jitter.
	 *
	 * @param maxRetries retries after the first attempt
	 * @param delay the first wait
	 * @param multiplier growth of each further wait
	 * @param maxDelay the longest wait
	 * @param jitter random spread added to each wait, so connections do not retry in step
	 */
	public record Retry(@DefaultValue("3") int maxRetries, @DefaultValue("500ms") java.time.Duration delay,
			@DefaultValue("2") double multiplier, @DefaultValue("10s") java.time.Duration maxDelay,
			@DefaultValue("100ms") java.time.Duration jitter) {
	}

	/**
	 * The embedded PostgreSQL.
	 *
	 * @param enabled start it when {@code spring.datasource.url} is not set
	 * @param dataDirectory its data folder, kept between runs; defaults to {@code pgdata}
	 * under the home folder
	 */
	public record EmbeddedDatabase(@DefaultValue("true") boolean enabled, Path dataDirectory) {
	}

}
