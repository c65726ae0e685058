package org.invitations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.support.CronExpression;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Specs page with serve's scheduler on: each spec's schedule, and when the scheduler
 * runs it next.
 */
@TestPropertySource(properties = { "invitations.scheduler.enabled=true", "invitations.scheduler.poll=200ms" })
@DirtiesContext
class SpecsScheduleIT extends ConsoleTest {

	private static final String CRON = "0 30 3 1 1 *";

	private final Path nightly = JOBS.resolve("new-year.yml");

	@DynamicPropertySource
	static void scheduledFolder(DynamicPropertyRegistry registry) {
		registry.add("invitations.scheduler.folder", JOBS::toString);
	}

	@AfterEach
	void unschedule() throws Exception {
		Files.deleteIfExists(nightly);
	}

	@Test
	void theSpecsPageShowsTheScheduleAndTheNextRunOfAScheduledSpec() throws Exception {
		Files.writeString(nightly, Files.readString(JOBS.resolve("demo.yml")).replace("name: demo", "name: new-year")
				+ "schedule:\n  cron: \"" + CRON + "\"\n  zone: Europe/Paris\n");
		addUser("vera", "viewer");
		var browser = signedIn("vera");
		ZonedDateTime expected = CronExpression.parse(CRON).next(ZonedDateTime.now(ZoneId.of("Europe/Paris")));
		String next = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneId.of("UTC")).format(expected);

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Document page = Jsoup.parse(get(browser, "/specs").body());
			Element row = page.selectFirst("tr[data-spec=new-year.yml]");
			assertThat(row).isNotNull();
			assertThat(row.selectFirst("td.schedule").text()).isEqualTo(CRON + " (Europe/Paris)");
			assertThat(row.selectFirst("td.next-run").text()).isEqualTo(next);
		});
		Document page = Jsoup.parse(get(browser, "/specs").body());
		// A spec without a schedule has neither; the page does not say the scheduler is
		// off.
		assertThat(page.selectFirst("tr[data-spec=demo.yml] td.schedule").text()).isEmpty();
		assertThat(page.selectFirst("tr[data-spec=demo.yml] td.next-run").text()).isEmpty();
		assertThat(page.text()).doesNotContain("The scheduler is off");
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isZero();
	}

}
