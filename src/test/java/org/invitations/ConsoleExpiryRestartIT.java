package org.invitations;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Restart from the Run page (and the Runs list) of an expiry run, as of an invitation
 * run: the spec's last run, stopped or failed.
 */
class ConsoleExpiryRestartIT extends ConsoleTest {

	@Test
	void aFailedExpiryRunRestartsFromItsPageAndAnOlderOneIsRefused() throws Exception {
		Path spec = write("expire.yml", "name: nightly\njob: expire\nbatch-size: 100\n");
		assertThat(cli("run", spec.toString()).exitCode()).isZero();
		assertThat(cli("run", spec.toString()).exitCode()).isZero();
		long older = count("SELECT min(job_execution_id) FROM batch_job_execution");
		long last = count("SELECT max(job_execution_id) FROM batch_job_execution");
		// As a run whose database went away mid-way ends: FAILED, its steps to do again.
		jdbc.update(
				"UPDATE batch_job_execution SET status = 'FAILED', exit_code = 'FAILED' WHERE job_execution_id IN (?, ?)",
				older, last);
		jdbc.update(
				"UPDATE batch_step_execution SET status = 'FAILED', exit_code = 'FAILED' WHERE job_execution_id = ?",
				last);
		addUser("olga", "operator");
		HttpClient browser = signedIn("olga");

		HttpResponse<String> refused = post(browser, "/runs/" + older + "/restart");
		assertThat(refused.statusCode()).isEqualTo(302);
		assertThat(get(browser, "/runs/" + older).body()).contains("Execution " + older + " was not restarted")
			.contains("a later run of its spec exists (execution " + last + ")");

		// The Runs list offers a restart of the spec's last run only; an expiry run is
		// not
		// abandoned; a viewer gets no action.
		String runs = get(browser, "/runs").body();
		assertThat(runs).contains("href=\"/runs/" + last + "/restart\"")
			.doesNotContain("/runs/" + older + "/restart\"")
			.doesNotContain("/abandon\"")
			.doesNotContain("/stop\"");
		addUser("vera", "viewer");
		assertThat(get(signedIn("vera"), "/runs").body()).contains("/runs/" + last + "\"")
			.doesNotContain("/restart\"")
			.doesNotContain("/abandon\"");

		HttpResponse<String> restarted = post(browser, "/runs/" + last + "/restart");

		long again = count("SELECT max(job_execution_id) FROM batch_job_execution");
		assertThat(again).isGreaterThan(last);
		assertThat(restarted.headers().firstValue("Location"))
			.hasValueSatisfying(location -> assertThat(location).endsWith("/runs/" + again));
		assertThat(awaitEnd(again)).isEqualTo("COMPLETED");
		// The same run continued: one job instance, its execution restarted, not a new
		// run of the spec.
		assertThat(count(
				"SELECT count(DISTINCT job_instance_id) FROM batch_job_execution WHERE job_execution_id IN (?, ?)",
				last, again))
			.isOne();
		assertThat(jdbc.queryForObject("SELECT actor || ' ' || detail FROM execution_event WHERE job_execution_id = ?"
				+ " AND type = 'RESTARTED'", String.class, again))
			.isEqualTo("console:olga from execution " + last);
	}

}
