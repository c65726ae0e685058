package org.invitations.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * How the pages write times and durations ({@code ${@fmt.time(…)}} in the templates):
 * UTC, as the command line.
 */
@Component("fmt")
@ConditionalOnWebApplication
public class Formats {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	public String time(Instant instant) {
		return instant == null ? "" : TIME.format(instant);
	}

	/**
	 * From start to end, or to now while running: {@code 1.8s}, {@code 4m 12s},
	 * {@code 2h 5m}.
	 */
	public String duration(Instant start, Instant end) {
		if (start == null) {
			return "";
		}
		Duration duration = Duration.between(start, end == null ? Instant.now() : end);
		if (duration.toSeconds() < 60) {
			return String.format(java.util.Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
		}
		if (duration.toMinutes() < 60) {
			return duration.toMinutes() + "m " + duration.toSecondsPart() + "s";
		}
		return duration.toHours() + "h " + duration.toMinutesPart() + "m";
	}

	/** Seconds as a duration, or empty when unknown (negative). */
	public String seconds(long seconds) {
		return seconds < 0 ? "" : seconds < 60 ? seconds + "s" : seconds / 60 + "m " + seconds % 60 + "s";
	}

}
