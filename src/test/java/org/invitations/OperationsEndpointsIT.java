package org.invitations;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.invitations.cli.InvitationsCommand;
import org.invitations.cli.SpringContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator endpoints as serve exposes them, on a web context with a database and a
 * mail server of its own that the test takes down and brings back: health reports each
 * down and up, Prometheus shows a run's outcomes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=servlet", "management.endpoint.health.show-details=always",
				"invitations.health.smtp-cache=0s", "invitations.metrics.database-refresh=0s",
				"invitations.mail.from=Example Parish <no-reply@example.org>", "spring.mail.host=127.0.0.1",
				"spring.datasource.hikari.connection-timeout=1000", "spring.datasource.hikari.validation-timeout=500",
				"invitations.mail.retry.max-retries=0", "spring.mail.properties.mail.smtp.connectiontimeout=1000",
				"spring.mail.properties.mail.smtp.timeout=2000" })
class OperationsEndpointsIT {

	private static final Path DATA = temporaryFolder();

	private static final int DB_PORT = freePort();

	private static final int SMTP_PORT = freePort();

	private static EmbeddedPostgres database = startDatabase();

	private static GreenMail smtp = startSmtp();

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	ApplicationContext context;

	@Autowired
	Environment environment;

	@DynamicPropertySource
	static void servers(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> "jdbc:postgresql://localhost:" + DB_PORT + "/postgres");
		registry.add("spring.datasource.username", () -> "postgres");
		registry.add("spring.datasource.password", () -> "postgres");
		registry.add("spring.mail.port", () -> SMTP_PORT);
	}

	/** Records the name of every observation started. */
	@TestConfiguration
	static class Observed {

		static final java.util.Set<String> NAMES = java.util.concurrent.ConcurrentHashMap.newKeySet();

		@Bean
		ObservationHandler<Observation.Context> recordNames() {
			return new ObservationHandler<>() {
				@Override
				public void onStart(Observation.Context context) {
					NAMES.add(context.getName());
				}

				@Override
				public boolean supportsContext(Observation.Context context) {
					return true;
				}
			};
		}

	}

	@AfterAll
	static void stopServers() throws IOException {
		smtp.stop();
		database.close();
	}

	@Test
	void healthReportsTheDatabaseAndTheMailServerDownAndUp() throws Exception {
		HttpResponse<String> up = get("/actuator/health");
		assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
		assertThat(status(up, "db")).isEqualTo("UP");
		assertThat(status(up, "smtp")).isEqualTo("UP");
		assertThat(up.body()).contains("127.0.0.1:" + SMTP_PORT);

		smtp.stop();
		HttpResponse<String> noSmtp = get("/actuator/health");
		assertThat(noSmtp.statusCode()).isEqualTo(503);
		assertThat(status(noSmtp, "smtp")).isEqualTo("DOWN");
		assertThat(status(noSmtp, "db")).isEqualTo("UP");
		smtp = startSmtp();
		assertThat(status(get("/actuator/health"), "smtp")).isEqualTo("UP");

		database.close();
		HttpResponse<String> noDatabase = get("/actuator/health");
		assertThat(noDatabase.statusCode()).isEqualTo(503);
		assertThat(status(noDatabase, "db")).isEqualTo("DOWN");
		assertThat(status(noDatabase, "smtp")).isEqualTo("UP");
		database = startDatabase();
		HttpResponse<String> back = get("/actuator/health");
		assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
		assertThat(status(back, "db")).isEqualTo("UP");
	}

	private static String status(HttpResponse<String> health, String component) {
		return tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree(health.body())
			.at("/components/" + component + "/status")
			.asString();
	}

	@Test
	void prometheusShowsTheOutcomesOfARunAndInfoTheBuild() throws Exception {
		Path dir = Files.createTempDirectory("metrics");
		Files.writeString(dir.resolve("people.csv"), """
				email,first_name,last_name,email_active
				m1@example.org,M1,Person,true
				m2@example.org,M2,Person,true
				m3@example.org,M3,Person,true
				off@example.org,Off,Person,false
				not-an-address,Bad,Person,true
				""");
		Files.writeString(dir.resolve("metrics.yml"), """
				name: metrics
				source:
				  csv: people.csv
				role: volunteer
				link-base-url: https://crm.example.org/set-password
				""");
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = InvitationsCommand.execute(SpringContext.of(context), new PrintWriter(out, true),
				new PrintWriter(err, true), "run", dir.resolve("metrics.yml").toString());
		assertThat(code).as(err.toString()).isZero();

		// Prometheus scrapes with an API key (any role), as its scrape_config's
		// authorization sends it.
		StringWriter key = new StringWriter();
		assertThat(InvitationsCommand.execute(SpringContext.of(context), new PrintWriter(key, true),
				new PrintWriter(err, true), "users", "key", "add", "prometheus", "--role", "viewer"))
			.as(err.toString())
			.isZero();
		assertThat(get("/actuator/prometheus").statusCode()).isEqualTo(401);
		String metrics = http
			.send(HttpRequest
				.newBuilder(URI.create(
						"http://localhost:" + environment.getProperty("local.server.port") + "/actuator/prometheus"))
				.header("Authorization", "Bearer " + key.toString().strip())
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics).containsPattern("(?m)^invitations_sent_total(\\{\\})? 3\\.0$")
			.containsPattern("(?m)^invitations_skipped_total\\{reason=\"EMAIL_INACTIVE\"\\} 1\\.0$")
			.containsPattern("(?m)^invitations_rejected_total\\{reason=\"INVALID_EMAIL\"\\} 1\\.0$")
			.containsPattern("(?m)^invitations_by_status\\{status=\"SENT\"\\} 3\\.0$")
			.containsPattern("(?m)^invitations_smtp_reply_seconds_count\\{status=\"SENT\"\\} 3$")
			.contains("spring_batch_job_seconds_count{")
			.contains("spring_batch_step_seconds_count{")
			// Per-item observations are switched off: at a million people they cost a
			// fifth of the run's CPU.
			.doesNotContain("spring_batch_item_read")
			.doesNotContain("spring_batch_item_process");
		// Not created at all, not only not measured: each would cost its context, its
		// tags and its handlers' calls, per item.
		assertThat(Observed.NAMES).contains("spring.batch.job", "spring.batch.step")
			.noneMatch(name -> name.startsWith("spring.batch.item."));

		String info = get("/actuator/info").body();
		assertThat(info).contains("\"build\"").contains("\"artifact\":\"invitations\"");
	}

	private HttpResponse<String> get(String path) throws Exception {
		URI uri = URI.create("http://localhost:" + environment.getProperty("local.server.port") + path);
		return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static EmbeddedPostgres startDatabase() {
		try {
			return EmbeddedPostgres.builder()
				.setDataDirectory(DATA)
				.setCleanDataDirectory(false)
				.setPort(DB_PORT)
				.start();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static GreenMail startSmtp() {
		GreenMail greenMail = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		greenMail.start();
		return greenMail;
	}

	private static Path temporaryFolder() {
		try {
			return Files.createTempDirectory("operations-pg");
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
