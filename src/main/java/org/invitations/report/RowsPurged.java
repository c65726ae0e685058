package org.invitations.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * That a run's per-person report rows were deleted by the expiry job's retention
 * ({@code purge-report-rows-after}); its totals remain.
 *
 * @param purgedAt when the last of them went
 * @param keptFor how long after the run ended they were kept
 * @param rows how many were deleted
 */
public record RowsPurged(Instant purgedAt, Duration keptFor, long rows) {

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

	/** {@code 180 days}, {@code 12 hours}, {@code 30 minutes}. */
	public String keptForText() {
		long seconds = keptFor.toSeconds();
		if (seconds % 86_400 == 0) {
			return plural(seconds / 86_400, "day");
		}
		if (seconds % 3_600 == 0) {
			return plural(seconds / 3_600, "hour");
		}
		return seconds % 60 == 0 ? plural(seconds / 60, "minute") : plural(seconds, "second");
	}

	/**
	 * One line for every place that would list the rows: {@code the per-person rows of
	 * this run were purged on 2026-12-06 (kept 180 days after it ended:
	 * purge-report-rows-after); its totals remain}.
	 */
	public String sentence() {
		return "the per-person rows of this run were purged on " + DAY.format(purgedAt) + " (kept " + keptForText()
				+ " after it ended: purge-report-rows-after); its totals remain";
	}

	private static String plural(long n, String unit) {
		return n + " " + unit + (n == 1 ? "" : "s");
	}

}
