package org.invitations.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import org.invitations.InvitationsProperties;

/**
 * With no database configured, starts PostgreSQL from the binaries packaged on Maven
 * Central, with a data folder kept between runs so that a later process can restart a
 * failed job. Backs off as soon as {@code spring.datasource.url} is set or another
 * connection is provided.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnProperty(name = "invitations.embedded-database.enabled", havingValue = "true", matchIfMissing = true)
@Conditional(EmbeddedDatabaseAutoConfiguration.NoDataSourceUrl.class)
@ConditionalOnMissingBean(JdbcConnectionDetails.class)
public class EmbeddedDatabaseAutoConfiguration {

	private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseAutoConfiguration.class);

	/** How long another process's server may take to answer before this one gives up. */
	private static final Duration STARTUP_WAIT = Duration.ofSeconds(30);

	@Bean
	EmbeddedDatabase embeddedDatabase(InvitationsProperties properties) throws IOException {
		Path dataDirectory = (properties.embeddedDatabase().dataDirectory() != null
				? properties.embeddedDatabase().dataDirectory() : properties.home().resolve("pgdata"))
			.toAbsolutePath()
			.normalize();
		Files.createDirectories(dataDirectory);
		LeftoverServer.clear(dataDirectory);
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(false)
				// The server shares the machine with the job that uses it: a parallel
				// worker only takes a core
				// from the job, and starting one cost 80 ms on a statement that needs 4
				// ms.
				.setServerConfig("max_parallel_workers_per_gather", "0")
				.start();
			log.info("Embedded PostgreSQL on port {}, data in {}", postgres.getPort(), dataDirectory);
			return new EmbeddedDatabase(postgres, postgres.getPort());
		}
		catch (IllegalStateException ex) {
			// Another live process of ours holds the data folder: use its server rather
			// than fail.
			int port = LeftoverServer.awaitPort(dataDirectory, STARTUP_WAIT);
			if (port <= 0) {
				throw new IllegalStateException("the embedded database in " + dataDirectory + " is held by another"
						+ " process, whose server did not answer within " + STARTUP_WAIT.toSeconds()
						+ "s; wait for it to"
						+ " end, or set invitations.embedded-database.data-directory to another folder", ex);
			}
			log.warn("The embedded database in {} is held by another process: using its server on port {}; it stops"
					+ " when that process ends", dataDirectory, port);
			return new EmbeddedDatabase(null, port);
		}
	}

	@Bean
	JdbcConnectionDetails embeddedJdbcConnectionDetails(EmbeddedDatabase database) {
		String url = "jdbc:postgresql://localhost:" + database.port() + "/postgres?reWriteBatchedInserts=true";
		return new JdbcConnectionDetails() {

			@Override
			public String getUsername() {
				return "postgres";
			}

			@Override
			public String getPassword() {
				return "";
			}

			@Override
			public String getJdbcUrl() {
				return url;
			}

		};
	}

	/** The embedded server (when this process started it) and its port. */
	public record EmbeddedDatabase(EmbeddedPostgres server, int port) implements AutoCloseable {

		@Override
		public void close() throws IOException {
			if (server != null) {
				server.close();
			}
		}

	}

	/** Matches when no JDBC URL is configured. */
	static class NoDataSourceUrl implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !context.getEnvironment().containsProperty("spring.datasource.url");
		}

	}

}
