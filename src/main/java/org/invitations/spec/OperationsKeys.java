package org.invitations.spec;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;

/**
 * Reads the keys operators add to specs: {@code max-recipients:}, {@code schedule:} and
 * {@code remind:}.
 */
final class OperationsKeys {

	private static final java.util.regex.Pattern NAME = java.util.regex.Pattern
		.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");

	private OperationsKeys() {
	}

	static JobSpec.Operations operations(Path file, @Nullable Long maxRecipients, @Nullable RawSchedule schedule) {
		if (maxRecipients != null && maxRecipients < 1) {
			throw new SpecException(file, "key 'max-recipients'", "must be 1 or more (leave it out for no limit)");
		}
		return new JobSpec.Operations(maxRecipients, schedule(file, schedule));
	}

	static @Nullable Schedule schedule(Path file, @Nullable RawSchedule raw) {
		if (raw == null) {
			return null;
		}
		if (raw.cron() == null || raw.cron().isBlank()) {
			throw new SpecException(file, "key 'schedule.cron'", "is required, e.g. \"0 0 2 * * *\" (2:00 every day)");
		}
		CronExpression expression;
		try {
			expression = CronExpression.parse(raw.cron().strip());
		}
		catch (IllegalArgumentException ex) {
			throw new SpecException(file, "key 'schedule.cron'", "'" + raw.cron() + "' is not a cron expression of six"
					+ " fields (second minute hour day month weekday), e.g. \"0 0 2 * * *\": " + ex.getMessage());
		}
		ZoneId zone;
		try {
			zone = raw.zone() == null ? ZoneId.systemDefault() : ZoneId.of(raw.zone().strip());
		}
		catch (DateTimeException ex) {
			throw new SpecException(file, "key 'schedule.zone'",
					"'" + raw.zone() + "' is not a time zone such as" + " Europe/Paris or UTC");
		}
		return new Schedule(raw.cron().strip(), expression, zone);
	}

	static @Nullable Remind remind(Path file, @Nullable RawRemind raw) {
		if (raw == null) {
			return null;
		}
		if (raw.before() == null) {
			throw new SpecException(file, "key 'remind.before'",
					"is required, e.g. 2d: how long before its expiry a" + " link is reminded");
		}
		Duration before = SpecValues.duration(file, "remind.before", raw.before());
		if (before.compareTo(Duration.ofMinutes(5)) < 0 || before.compareTo(Duration.ofDays(90)) > 0) {
			throw new SpecException(file, "key 'remind.before'", "must be between 5m and 90d, was " + raw.before());
		}
		Duration minRemaining = raw.minRemaining() == null ? Duration.ofHours(1)
				: SpecValues.duration(file, "remind.min-remaining", raw.minRemaining());
		if (minRemaining.compareTo(before) >= 0) {
			throw new SpecException(file, "key 'remind.min-remaining'", "must be shorter than remind.before");
		}
		String template = raw.template() == null ? "reminder" : raw.template().strip();
		if (!NAME.matcher(template).matches()) {
			throw new SpecException(file, "key 'remind.template'", "'" + template + "' is not a template set name");
		}
		return new Remind(before, template, minRemaining);
	}

	record RawSchedule(@Nullable String cron, @Nullable String zone) {
	}

	record RawRemind(@Nullable String before, @Nullable String template, @Nullable String minRemaining) {
	}

}
