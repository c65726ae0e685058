package org.invitations.invitation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.IntegrationTest;
import org.invitations.spec.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's totals come from the rows kept beside the report rows, written by the same
 * statements as the rows (V29; deletes and truncates by triggers), and they stay what
 * counting the report rows gives through every kind of write; and an address written as
 * normalised is stored once in its row (V49).
 */
class ReportTotalsIT extends IntegrationTest {

	@Test
	void totalsFollowEveryInsertUpdateAndDeleteOfTheRows() {
		ReportRows rows = new ReportRows(jdbc);
		rows.insert(new RunRef(1, 1, "test"), items(1, 40, ReportOutcome.QUEUED, null));
		rows.insert(new RunRef(1, 1, "test"), items(41, 45, ReportOutcome.REJECTED, RejectReason.INVALID_EMAIL));
		rows.insert(new RunRef(2, 2, "test"), items(1, 7, ReportOutcome.WOULD_SEND, null));
		rows.append(new RunRef(2, 2, "test"), 9, 9, "r9@example.org", "INVITATION", ReportOutcome.SENT, null,
				"reminded");
		assertTotalsAreTheRowsCounted();

		// Sent, refused, tried again later, and sent once more: each recorded chunk moves
		// its rows' totals, whatever they were.
		rows.update(1, 3L, ids(1, 30), fill(30, "SENT"), fill(30, null), fill(30, "250 ok"));
		rows.update(1, 3L, ids(31, 33), fill(3, "FAILED"), fill(3, "SMTP_REJECTED"), fill(3, "550 no"));
		rows.update(1, 3L, ids(34, 35), fill(2, "QUEUED"), fill(2, "SMTP_TEMPORARY"), fill(2, "451 later"));
		rows.update(1, 3L, ids(34, 34), fill(1, "SENT"), fill(1, null), fill(1, "250 ok"));
		rows.noteAccepted(1, "the first link was used");
		assertTotalsAreTheRowsCounted();
		assertThat(totals(1)).containsEntry("SENT|", 31L)
			.containsEntry("QUEUED|", 5L)
			.containsEntry("QUEUED|SMTP_TEMPORARY", 1L)
			.containsEntry("FAILED|SMTP_REJECTED", 3L)
			.containsEntry("REJECTED|INVALID_EMAIL", 5L)
			.hasSize(5);

		// An abandoned run: whom it may have sent to FAILED, the rest SKIPPED.
		rows.abandon(1, ids(35, 36));
		assertTotalsAreTheRowsCounted();
		assertThat(totals(1)).containsEntry("FAILED|IN_DOUBT_CANCELLED", 2L)
			.containsEntry("SKIPPED|RUN_ABANDONED", 4L)
			.doesNotContainKeys("QUEUED|", "QUEUED|SMTP_TEMPORARY");

		jdbc.update("DELETE FROM job_report_item WHERE job_instance_id = 1 AND item_number > 40");
		assertTotalsAreTheRowsCounted();
		assertThat(totals(1)).doesNotContainKey("REJECTED|INVALID_EMAIL");
		assertThat(totals(2)).containsExactly(Map.entry("SENT|", 1L), Map.entry("WOULD_SEND|", 7L));

		jdbc.execute("TRUNCATE job_report_item");
		assertThat(totals(1)).isEmpty();
		assertThat(totals(2)).isEmpty();
	}

	@Test
	void anAddressWrittenAsNormalisedIsStoredOnce() {
		new ReportRows(jdbc).insert(new RunRef(1, 1, "test"),
				List.of(new ReportItem(1, 2L, "ann@example.org", "ann@example.org", 1L, 1L, Kind.INVITATION,
						ReportOutcome.QUEUED, null, null),
						new ReportItem(2, 3L, "Bob@Example.org", "bob@example.org", 2L, 2L, Kind.INVITATION,
								ReportOutcome.QUEUED, null, null),
						new ReportItem(3, 4L, "Not An Address", null, null, null, null, ReportOutcome.REJECTED,
								RejectReason.INVALID_EMAIL, "not an address")));
		assertThat(jdbc.queryForList("SELECT coalesce(email, '-') FROM job_report_item ORDER BY item_number",
				String.class))
			.containsExactly("-", "Bob@Example.org", "Not An Address");
		assertThat(jdbc.queryForList("SELECT email FROM job_report_row ORDER BY item_number", String.class))
			.containsExactly("ann@example.org", "Bob@Example.org", "Not An Address");
		// The Run page finds a rejected row by its address as written through the index
		// of those rows, read through the view, among many.
		new ReportRows(jdbc).insert(new RunRef(1, 1, "test"),
				IntStream.rangeClosed(4, 5000)
					.mapToObj(n -> new ReportItem(n, n + 1L, "Other " + n, null, null, null, null,
							ReportOutcome.REJECTED, RejectReason.INVALID_EMAIL, "not an address"))
					.toList());
		jdbc.execute("ANALYZE job_report_item");
		assertThat(jdbc.queryForList("""
				EXPLAIN SELECT * FROM job_report_row r WHERE r.job_instance_id = 1 AND r.problem IS NOT NULL
				AND r.email_normalized IS NULL AND lower(r.email_as_written) LIKE 'not%'
				""", String.class)).anySatisfy(line -> assertThat(line).contains("job_report_item_unnormalized"));
	}

	/** Report rows numbered from and to, each for the invitation of its number. */
	private static List<ReportItem> items(int from, int to, ReportOutcome outcome, Reason reason) {
		return IntStream.rangeClosed(from, to)
			.mapToObj(n -> new ReportItem(n, (long) n, "r" + n + "@example.org", "r" + n + "@example.org", (long) n,
					(long) n, Kind.INVITATION, outcome, reason, null))
			.toList();
	}

	private static Long[] ids(int from, int to) {
		return LongStream.rangeClosed(from, to).boxed().toArray(Long[]::new);
	}

	private static String[] fill(int n, String value) {
		String[] values = new String[n];
		Arrays.fill(values, value);
		return values;
	}

	private void insert(long instance, int from, int to, String outcome, String reason) {
		jdbc.update("""
				INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, email, email_normalized,
				    outcome, reason)
				SELECT ?, ?, g, 'r' || g || '@example.org', 'r' || ? || '.' || g || '@example.org', ?, ?
				FROM generate_series(?, ?) g
				""", instance, instance, instance, outcome, reason, from, to);
	}

	private Map<String, Long> totals(long instance) {
		Map<String, Long> totals = new TreeMap<>();
		jdbc.query(ReportRows.TOTALS,
				(RowCallbackHandler) rs -> totals.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3)),
				instance);
		return totals;
	}

	private void assertTotalsAreTheRowsCounted() {
		for (long instance : new long[] { 1, 2 }) {
			Map<String, Long> counted = new TreeMap<>();
			jdbc.query(
					"SELECT outcome, coalesce(reason, ''), count(*) FROM job_report_row WHERE job_instance_id = ?"
							+ " GROUP BY 1, 2",
					(RowCallbackHandler) rs -> counted.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3)),
					instance);
			assertThat(totals(instance)).as("run %d", instance).isEqualTo(counted);
		}
	}

}
