package org.invitations.schedule;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;
import org.springframework.scheduling.support.CronTrigger;

/**
 * A spec's cron trigger that remembers the time each firing was scheduled for, so that
 * the run knows its scheduled date even when it starts late (a busy pool, a long run
 * before it).
 */
final class RecordingTrigger implements Trigger {

	private static final Map<String, Instant> SCHEDULED = new ConcurrentHashMap<>();

	private final ScheduledSpec spec;

	private final CronTrigger cron;

	RecordingTrigger(ScheduledSpec spec) {
		this.spec = spec;
		this.cron = new CronTrigger(spec.schedule().cron(), spec.schedule().zone());
	}

	@Override
	public Instant nextExecution(TriggerContext context) {
		Instant next = cron.nextExecution(context);
		if (next != null) {
			SCHEDULED.put(spec.file() + "|" + spec.modified(), next);
		}
		return next;
	}

	/** The time the firing under way was scheduled for. */
	static Instant scheduledTime(ScheduledSpec spec) {
		return SCHEDULED.getOrDefault(spec.file() + "|" + spec.modified(), Instant.now());
	}

}
