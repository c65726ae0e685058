package org.invitations.invitation;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.IntegrationTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's totals come from the rows the schema's triggers keep per statement (V26), and
 * they stay what counting the report rows gives through every kind of write; the
 * delivery's update of a row (queued to sent) stays a HOT update, which no index on the
 * outcome may break.
 */
class ReportTotalsIT extends IntegrationTest {

	@Test
	void totalsFollowEveryInsertUpdateAndDeleteOfTheRows() {
		insert(1, 1, 40, "QUEUED", null);
		insert(1, 41, 45, "REJECTED", "INVALID_EMAIL");
		insert(2, 1, 7, "WOULD_SEND", null);
		assertTotalsAreTheRowsCounted();

		jdbc.update("UPDATE job_report_item SET outcome = 'SENT' WHERE job_instance_id = 1 AND item_number <= 30");
		jdbc.update("UPDATE job_report_item SET outcome = 'FAILED', reason = 'SMTP_REJECTED'"
				+ " WHERE job_instance_id = 1 AND item_number BETWEEN 31 AND 33");
		jdbc.update("UPDATE job_report_item SET detail = 'noted' WHERE job_instance_id = 1");
		assertTotalsAreTheRowsCounted();
		assertThat(totals(1)).containsEntry("SENT|", 30L)
			.containsEntry("QUEUED|", 7L)
			.containsEntry("FAILED|SMTP_REJECTED", 3L)
			.containsEntry("REJECTED|INVALID_EMAIL", 5L)
			.hasSize(4);

		jdbc.update("DELETE FROM job_report_item WHERE job_instance_id = 1 AND item_number > 40");
		assertTotalsAreTheRowsCounted();
		assertThat(totals(1)).doesNotContainKey("REJECTED|INVALID_EMAIL");
		assertThat(totals(2)).containsExactly(Map.entry("WOULD_SEND|", 7L));

		jdbc.execute("TRUNCATE job_report_item");
		assertThat(totals(1)).isEmpty();
		assertThat(totals(2)).isEmpty();
	}

	@Test
	void aRowGoingFromQueuedToSentIsUpdatedInPlace() {
		insert(1, 1, 200, "QUEUED", null);
		// The backend's pending statistics may still hold earlier transactions' counts:
		// what this update adds is the difference.
		long[] counted = new TransactionTemplate(
				context.getBean(org.springframework.transaction.PlatformTransactionManager.class))
			.execute(status -> {
				long[] before = updates();
				jdbc.update("UPDATE job_report_item SET outcome = 'SENT', detail = '250 ok', updated_at = now()"
						+ " WHERE job_instance_id = 1");
				long[] after = updates();
				return new long[] { after[0] - before[0], after[1] - before[1] };
			});
		assertThat(counted).as("updated, of which in place").containsExactly(200, 200);
	}

	private long[] updates() {
		return jdbc.queryForObject(
				"SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables" + " WHERE relname = 'job_report_item'",
				(rs, n) -> new long[] { rs.getLong(1), rs.getLong(2) });
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
					"SELECT outcome, coalesce(reason, ''), count(*) FROM job_report_item WHERE job_instance_id = ?"
							+ " GROUP BY 1, 2",
					(RowCallbackHandler) rs -> counted.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3)),
					instance);
			assertThat(totals(instance)).as("run %d", instance).isEqualTo(counted);
		}
	}

}
