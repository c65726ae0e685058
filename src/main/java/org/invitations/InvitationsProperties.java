package org.invitations;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the application itself; database and mail server use the standard {@code spring.datasource.*}
 * and {@code spring.mail.*} properties.
 *
 * @param home folder for the embedded database and the outbox, when no server is configured
 * @param mail mail settings
 * @param embeddedDatabase the embedded PostgreSQL used when {@code spring.datasource.url} is not set
 */
@ConfigurationProperties("invitations")
public record InvitationsProperties(@DefaultValue(".invitations") Path home, @DefaultValue Mail mail,
		@DefaultValue EmbeddedDatabase embeddedDatabase) {

	/** Where the outbox is: the configured folder, or {@code outbox} under the home folder. */
	public Path outbox() {
		return mail.outbox() != null ? mail.outbox() : home.resolve("outbox");
	}

	/**
	 * Mail settings.
	 *
	 * @param from sender of every email whose spec does not name one
	 * @param outbox folder that receives {@code .eml} files when {@code spring.mail.host} is not set
	 * @param connections SMTP connections used in parallel, each kept open for many messages
	 */
	public record Mail(@DefaultValue("Invitations <no-reply@invitations.invalid>") String from, Path outbox,
			@DefaultValue("4") int connections) {
	}

	/**
	 * The embedded PostgreSQL.
	 *
	 * @param enabled start it when {@code spring.datasource.url} is not set
	 * @param dataDirectory its data folder, kept between runs; defaults to {@code pgdata} under the home folder
	 */
	public record EmbeddedDatabase(@DefaultValue("true") boolean enabled, Path dataDirectory) {
	}

}
