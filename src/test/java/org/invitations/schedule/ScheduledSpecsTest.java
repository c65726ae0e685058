package org.invitations.schedule;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import org.springframework.scheduling.support.CronExpression;

import org.invitations.spec.Schedule;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The missed-trigger policy looks for the last trigger time before now, in the schedule's
 * zone.
 */
class ScheduledSpecsTest {

	private static Schedule schedule(String cron, String zone) {
		return new Schedule(cron, CronExpression.parse(cron), ZoneId.of(zone));
	}

	@Test
	void theLastTriggerBeforeNowIsInTheSchedulesZone() {
		Schedule nightly = schedule("0 0 2 * * *", "Europe/Paris");
		assertThat(ScheduledSpecs.lastTriggerBefore(nightly, Instant.parse("2026-12-01T12:00:00Z")))
			.isEqualTo(Instant.parse("2026-12-01T01:00:00Z"));
		assertThat(ScheduledSpecs.lastTriggerBefore(nightly, Instant.parse("2026-12-01T00:30:00Z")))
			.isEqualTo(Instant.parse("2026-11-30T01:00:00Z"));
		Schedule mondays = schedule("0 30 6 * * MON", "UTC");
		assertThat(ScheduledSpecs.lastTriggerBefore(mondays, Instant.parse("2026-12-03T00:00:00Z")))
			.isEqualTo(Instant.parse("2026-11-30T06:30:00Z"));
	}

}
