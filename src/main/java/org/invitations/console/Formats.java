package org.invitations.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import org.invitations.worker.PartitionView;

/**
 * How the pages write times, durations and statuses ({@code ${@fmt.time(…)}} in the
 * templates), in the admins' words: times to the minute in UTC (the page's script shows
 * them in the browser's own zone), durations in words, statuses as admins say them with
 * the stored name in a tooltip.
 */
@Component("fmt")
@ConditionalOnWebApplication
public class Formats {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

	/** Invitation statuses as admins say them. */
	private static final Map<String, String> STATUSES = Map.of("QUEUED", "Queued", "SENDING", "Sending", "SENT",
			"Pending", "DEFERRED", "Delayed", "FAILED", "Not delivered", "ACCEPTED", "Accepted", "EXPIRED", "Expired",
			"CANCELLED", "Cancelled", "SKIPPED", "Not sent", "BOUNCED", "Undeliverable");

	/** Report outcomes as admins say them. */
	private static final Map<String, String> OUTCOMES = Map.of("SENT", "Sent", "WOULD_SEND", "Would be sent", "QUEUED",
			"Waiting to be sent", "DEFERRED", "Delayed", "FAILED", "Not delivered", "SKIPPED", "Skipped", "REJECTED",
			"Rejected");

	/** Run statuses as admins say them. */
	private static final Map<String, String> RUNS = Map.of("COMPLETED", "Completed", "STARTING", "Starting", "STARTED",
			"Running", "STOPPING", "Stopping", "STOPPED", "Stopped", "FAILED", "Failed", "ABANDONED", "Abandoned",
			"UNKNOWN", "Ended unknown");

	/** {@code 2026-12-04 17:27 UTC}, or empty. */
	public String time(Instant instant) {
		return instant == null ? "" : TIME.format(instant);
	}

	/** The instant for a {@code <time datetime>} attribute. */
	public String iso(Instant instant) {
		return instant == null ? "" : ISO.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
	}

	/**
	 * From start to end, or to now while running, in words: {@code 1.8 seconds},
	 * {@code 4 minutes 12 seconds}, {@code 2 hours 5 minutes}.
	 */
	public String duration(Instant start, Instant end) {
		if (start == null) {
			return "";
		}
		Duration duration = Duration.between(start, end == null ? Instant.now() : end);
		if (duration.toSeconds() < 60) {
			double seconds = duration.toMillis() / 1000.0;
			return String.format(Locale.ROOT, "%.1f second%s", seconds, seconds == 1.0 ? "" : "s");
		}
		return words(duration.toSeconds());
	}

	/** Seconds as a duration in words, or empty when unknown (negative). */
	public String seconds(long seconds) {
		return seconds < 0 ? "" : words(seconds);
	}

	/**
	 * A spec's period, e.g. a link's lifetime: {@code 24 hours}, {@code 7 days},
	 * {@code 30 minutes}.
	 */
	public String period(Duration period) {
		return period == null ? "" : words(period.toSeconds());
	}

	/**
	 * An invitation's status as admins say it: a sent one is pending until it expires,
	 * even before the expiry job marks it.
	 */
	public String status(String status, Instant expiresAt) {
		if ("SENT".equals(status) && expiresAt != null && expiresAt.isBefore(Instant.now())) {
			return "Expired";
		}
		return STATUSES.getOrDefault(status, status);
	}

	/** A choice of the Invitations page's status filter, in words. */
	public String filterStatus(String value) {
		return switch (value) {
			case "pending" -> "Pending (sent, link still valid)";
			case "open" -> "Open (not sent yet, pending or delayed)";
			default -> STATUSES.getOrDefault(value, value) + " (" + value + ")";
		};
	}

	/** A report outcome as admins say it. */
	public String outcome(String outcome) {
		return OUTCOMES.getOrDefault(outcome, outcome);
	}

	/** A run's status as admins say it. */
	public String run(String status) {
		return RUNS.getOrDefault(status, status);
	}

	/**
	 * A partition's state as admins say it: from its queue row, or from its step's status
	 * when the run's own process sent it.
	 */
	public String partition(String state, String stepStatus) {
		return switch (state) {
			case "WAITING" -> "waiting";
			case "RUNNING", "STARTING", "STARTED" -> "sending";
			case "LOST" -> "lost (taken over)";
			case "LEFT" -> "left (back to the queue)";
			case "ENDED" -> stepStatus.equals("COMPLETED") ? "done" : run(stepStatus).toLowerCase(Locale.ROOT);
			case "COMPLETED" -> "done";
			default -> run(state).toLowerCase(Locale.ROOT);
		};
	}

	/**
	 * How a running run is spread, in a few words: {@code 8 partitions: 2 workers
	 * sending, 6 waiting}, or {@code sent by its own process} when no worker was alive.
	 */
	public String spread(PartitionView.Spread spread) {
		if (spread.ownProcess() && spread.partitions() == 1) {
			return "sent by its own process";
		}
		return unit(spread.partitions(), "partition") + ": " + unit(spread.senders(), "worker") + " sending"
				+ (spread.waiting() > 0 ? ", " + spread.waiting() + " waiting" : "");
	}

	/** A reason as words: {@code EMAIL_INACTIVE} is {@code email inactive}. */
	public String reason(String reason) {
		return reason == null ? "" : reason.toLowerCase(Locale.ROOT).replace('_', ' ');
	}

	/**
	 * The two largest units that are not zero: {@code 4 minutes 12 seconds},
	 * {@code 2 hours 5 minutes}.
	 */
	private static String words(long seconds) {
		long[] counts = { seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60, seconds % 60 };
		String[] units = { "day", "hour", "minute", "second" };
		List<String> parts = new ArrayList<>();
		for (int i = 0; i < counts.length && parts.size() < 2; i++) {
			if (counts[i] > 0) {
				parts.add(unit(counts[i], units[i]));
			}
		}
		return parts.isEmpty() ? "0 seconds" : String.join(" ", parts);
	}

	private static String unit(long count, String unit) {
		return count + " " + unit + (count == 1 ? "" : "s");
	}

}
