package org.invitations;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expiry spec's {@code purge-report-rows-after}: the per-person report rows of runs
 * that ended longer ago are deleted in batches, their totals stay, and every place that
 * lists a run's people says they were purged.
 */
class ReportRetentionIT extends ConsoleTest {

	private static final String RETENTION = "name: nightly\njob: expire\nbatch-size: 2\npurge-report-rows-after: 90d\n";

	@Test
	void rowsOfRunsEndedLongAgoGoInBatchesAndTheirTotalsStay() throws Exception {
		long old = send("old");
		long recent = send("recent");
		long running = send("running");
		long pruned = send("pruned");
		long failed = send("failed");
		long oldRun = instanceOf(old);
		long prunedRun = instanceOf(pruned);
		// The old run ended 200 days ago; the running one started then and has not ended
		// (its process may have died: only a restart or an abandon ends it).
		jdbc.update("UPDATE batch_job_execution SET start_time = start_time - interval '200 days',"
				+ " end_time = end_time - interval '200 days' WHERE job_execution_id = ?", old);
		jdbc.update("UPDATE batch_job_execution SET status = 'STARTED', end_time = NULL,"
				+ " start_time = start_time - interval '200 days' WHERE job_execution_id = ?", running);
		// This one failed as long ago and was never abandoned: a restart may still
		// continue it, and its rows with it.
		jdbc.update("UPDATE batch_job_execution SET status = 'FAILED', start_time = start_time - interval '200 days',"
				+ " end_time = end_time - interval '200 days' WHERE job_execution_id = ?", failed);
		// An operator pruned the job repository of this one: its newest row tells its
		// age.
		pruneMetadata(pruned);
		jdbc.update("UPDATE job_report_item SET updated_at = updated_at - interval '200 days'"
				+ " WHERE job_instance_id = ?", prunedRun);
		String totalsBefore = totals();

		Result purge = cli("run", write("retention.yml", RETENTION).toString());
		assertThat(purge.exitCode()).as(purge.out() + purge.err()).isZero();
		assertThat(rows(oldRun)).isZero();
		assertThat(rows(prunedRun)).isZero();
		assertThat(rows(instanceOf(recent))).isEqualTo(5);
		assertThat(rows(instanceOf(running))).isEqualTo(5);
		assertThat(rows(instanceOf(failed))).isEqualTo(5);
		assertThat(totals()).isEqualTo(totalsBefore);
		assertThat(jdbc.queryForList("SELECT job_instance_id || ': ' || rows_purged || ' after ' || kept_for"
				+ " FROM job_report_purge ORDER BY 1", String.class))
			.containsExactlyInAnyOrder(oldRun + ": 5 after 90 days", prunedRun + ": 5 after 90 days");
		// Ten rows in batches of two: five full batches, then one that finds nothing.
		String purgeStep = "SELECT write_count || ' in ' || commit_count FROM batch_step_execution"
				+ " WHERE step_name = 'purge' AND job_execution_id = ?::bigint";
		assertThat(jdbc.queryForObject(purgeStep, String.class, lastExecution())).isEqualTo("10 in 6");

		// Running it again finds nothing and changes nothing.
		Result again = cli("run", dir.resolve("retention.yml").toString());
		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(jdbc.queryForObject(purgeStep, String.class, lastExecution())).isEqualTo("0 in 1");
		assertThat(totals()).isEqualTo(totalsBefore);
		assertThat(count("SELECT sum(rows_purged) FROM job_report_purge")).isEqualTo(10);
		assertThat(count("SELECT count(*) FROM job_report_item")).isEqualTo(15);
	}

	@Test
	void theRunPageTheApiAndTheReportSayTheRowsWerePurged() throws Exception {
		long old = send("old");
		long recent = send("recent");
		jdbc.update("UPDATE batch_job_execution SET start_time = start_time - interval '200 days',"
				+ " end_time = end_time - interval '200 days' WHERE job_execution_id = ?", old);
		assertThat(cli("run", write("retention.yml", RETENTION).toString()).exitCode()).isZero();

		addUser("vera", "viewer");
		HttpClient browser = signedIn("vera");
		String page = get(browser, "/runs/" + old).body();
		assertThat(page)
			.contains("id=\"rows-purged\"", "The people of this run are no longer listed",
					"90 days after the run ended", "The totals above remain.")
			.doesNotContain("id=\"no-items\"", "old1@example.org");
		assertThat(page).doesNotContain("id=\"report-csv\"").contains("id=\"report-json\"");
		HttpResponse<String> gone = get(browser, "/runs/" + old + "/report.csv");
		assertThat(gone.statusCode()).isEqualTo(410);
		assertThat(gone.body()).startsWith("Run " + old + ": the per-person rows of this run were purged on")
			.contains("(kept 90 days after it ended: purge-report-rows-after); its totals remain.");
		assertThat(get(browser, "/runs/" + recent).body()).doesNotContain("rows-purged")
			.contains("recent1@example.org", "id=\"report-csv\"");
		assertThat(get(browser, "/runs/" + recent + "/report.csv").body()).contains("recent1@example.org");

		// The expiry spec's page says what its run will delete.
		addUser("otto", "operator");
		HttpClient operator = signedIn("otto");
		java.nio.file.Path spec = JOBS.resolve("retention.yml");
		java.nio.file.Files.writeString(spec, RETENTION + "purge-history-after: 365d\n");
		try {
			assertThat(get(operator, "/specs/retention.yml/expire").body()).contains(
					"The people listed in the reports of runs that ended more than 90 days ago are deleted;",
					"The history of invitations closed more than 365 days ago is deleted;");
		}
		finally {
			java.nio.file.Files.delete(spec);
		}

		String key = addKey("crm", "viewer");
		String run = api("GET", "/api/v1/runs/" + old, key, null).body();
		assertThat(run).contains("\"rowsPurged\":{", "\"keptForSeconds\":7776000", "\"rows\":5",
				"\"outcome\":\"SENT\",\"count\":5");
		assertThat(api("GET", "/api/v1/runs/" + recent, key, null).body()).contains("\"rowsPurged\":null");
		assertThat(get(browser, "/runs/" + old + "/report.json").body()).contains("\"rows_purged\":{",
				"\"kept_for_seconds\":7776000", "\"items\":[]");

		Result text = cli("report", Long.toString(old));
		assertThat(text.exitCode()).isZero();
		assertThat(text.out()).contains("SENT", "(none: the per-person rows of this run were purged on")
			.doesNotContain("old1@example.org");
		assertThat(text.err()).contains("note: the per-person rows of this run were purged on",
				"(kept 90 days after it ended: purge-report-rows-after); its totals remain");
		Result csv = cli("report", Long.toString(old), "--format", "csv");
		assertThat(csv.exitCode()).isZero();
		assertThat(csv.err()).contains("note: the per-person rows of this run were purged");
		assertThat(csv.out()).doesNotContain("old1@example.org");
		Result kept = cli("report", Long.toString(recent), "--format", "csv");
		assertThat(kept.err()).doesNotContain("purged");
		assertThat(kept.out()).contains("recent1@example.org");
	}

	/** Runs a spec of its own over five people named after it: @return its execution. */
	private long send(String name) throws Exception {
		String csv = "email,first_name,last_name\n" + IntStream.rangeClosed(1, 5)
			.mapToObj(i -> name + i + "@example.org," + name + ",Person" + i)
			.collect(Collectors.joining("\n"));
		write(name + ".csv", csv);
		Result run = cli("run", spec(name, name + ".csv").toString());
		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		return Long.parseLong(lastExecution());
	}

	private long instanceOf(long execution) {
		return count("SELECT job_instance_id FROM batch_job_execution WHERE job_execution_id = ?", execution);
	}

	private long rows(long instance) {
		return count("SELECT count(*) FROM job_report_item WHERE job_instance_id = ?", instance);
	}

	/** Every run's totals by outcome and reason, as the pages sum them. */
	private String totals() {
		return String.join(", ", jdbc.queryForList("""
				SELECT job_instance_id || ' ' || outcome || ' ' || coalesce(reason, '-') || ' ' || sum(items)
				FROM job_report_total GROUP BY job_instance_id, outcome, reason ORDER BY 1
				""", String.class));
	}

	/**
	 * What Spring Batch's own tools leave of a run when they prune the job repository.
	 */
	private void pruneMetadata(long execution) {
		long instance = instanceOf(execution);
		jdbc.update("DELETE FROM batch_step_execution_context WHERE step_execution_id IN (SELECT step_execution_id"
				+ " FROM batch_step_execution WHERE job_execution_id = ?)", execution);
		jdbc.update("DELETE FROM batch_step_execution WHERE job_execution_id = ?", execution);
		jdbc.update("DELETE FROM batch_job_execution_context WHERE job_execution_id = ?", execution);
		jdbc.update("DELETE FROM batch_job_execution_params WHERE job_execution_id = ?", execution);
		jdbc.update("DELETE FROM batch_job_execution WHERE job_execution_id = ?", execution);
		jdbc.update("DELETE FROM batch_job_instance WHERE job_instance_id = ?", instance);
	}

}
