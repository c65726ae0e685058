package org.invitations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import org.invitations.schedule.ScheduledSpecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * schedule: a spec in the scheduler's folder runs at its times, once per scheduled date;
 * a failed run is restarted by the next trigger of its date, and later triggers of a
 * completed date start nothing.
 */
@TestPropertySource(properties = { "invitations.scheduler.enabled=true", "invitations.scheduler.poll=200ms" })
@DirtiesContext
class ScheduleIT extends IntegrationTest {

	private static final Path FOLDER = folder();

	@DynamicPropertySource
	static void folder(DynamicPropertyRegistry registry) {
		registry.add("invitations.scheduler.folder", FOLDER::toString);
	}

	@AfterEach
	void unschedule() throws IOException {
		try (var files = Files.list(FOLDER)) {
			for (Path file : files.toList()) {
				Files.delete(file);
			}
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jdbc.queryForObject(
					"SELECT count(*) FROM batch_job_execution WHERE status IN ('STARTING', 'STARTED', 'STOPPING')",
					Long.class) == 0);
	}

	@Test
	void aScheduledSpecRunsOncePerDateAndItsFailedRunIsRestartedByTheNextTrigger() throws Exception {
		// The mail server goes away after two messages: the first run fails, the next
		// triggers restart it.
		SMTP_PATH.failAfterMessages(2);
		Files.writeString(FOLDER.resolve("people.csv"), peopleCsv(6));
		Files.writeString(FOLDER.resolve("nightly.yml"), """
				name: nightly
				source:
				  csv: people.csv
				role: volunteer
				chunk-size: 2
				link-base-url: https://crm.example.org/set-password
				schedule:
				  cron: "* * * * * *"
				  zone: UTC
				""");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("SELECT count(*) FROM batch_job_execution WHERE status = 'FAILED'") > 0);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isLessThan(6);

		SMTP_PATH.restore();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("SELECT count(*) FROM batch_job_execution WHERE status = 'COMPLETED'") == 1);
		long executions = count("SELECT count(*) FROM batch_job_execution");
		// Several more triggers of the same date.
		await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);

		assertThat(count("SELECT count(*) FROM batch_job_instance WHERE job_name = 'invitationJob'")).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(6);
		Map<String, Long> perRecipient = received().stream()
			.collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
		assertThat(perRecipient).hasSize(6);
		assertThat(count("SELECT count(*) FROM scheduled_run WHERE spec_key = 'nightly'")).isEqualTo(1);
	}

	@Test
	void aTriggerMissedWhileNoSchedulerRanIsRunOnceWhenItComesBack() throws Exception {
		Files.writeString(FOLDER.resolve("people.csv"), peopleCsv(3));
		Files.writeString(FOLDER.resolve("midnight.yml"), """
				name: midnight
				source:
				  csv: people.csv
				role: volunteer
				link-base-url: https://crm.example.org/set-password
				schedule:
				  cron: "0 0 0 * * *"
				  zone: UTC
				""");
		ScheduledSpecs scheduler = context.getBean(ScheduledSpecs.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> scheduler.nextRuns().containsKey(FOLDER.resolve("midnight.yml")));
		// A spec that never ran by schedule is not caught up: it may be new.
		scheduler.catchUp();
		await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isZero();

		// It ran the day before yesterday; yesterday's midnight trigger found the server
		// down.
		jdbc.update("INSERT INTO scheduled_run (spec_key, scheduled_date, scheduled_for) VALUES ('midnight',"
				+ " (now() AT TIME ZONE 'UTC')::date - 1, now() - interval '1 day')");
		scheduler.catchUp();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("SELECT count(*) FROM batch_job_execution WHERE status = 'COMPLETED'") == 1);
		assertThat(received()).hasSize(3);
		assertThat(count("SELECT count(*) FROM scheduled_run WHERE spec_key = 'midnight'")).isEqualTo(2);

		scheduler.catchUp();
		await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(1);
		assertThat(received()).hasSize(3);
	}

	private static Path folder() {
		try {
			return Files.createTempDirectory("scheduled-jobs");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
