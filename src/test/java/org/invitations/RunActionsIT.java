package org.invitations;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run's actions follow its real state, on the pages and in the API: a run a later
 * execution finished offers nothing and refuses a forged restart; a restart continues
 * exactly the input its run started with and refuses a changed one; abandoning shows what
 * it gives up and acts only on that number. No path sends a person nobody counted.
 */
class RunActionsIT extends ConsoleTest {

	@Test
	void aRunFinishedByALaterExecutionOffersNothingAndRefusesARestartAfterItsFileGrew() throws Exception {
		Path csv = write("people.csv", peopleCsv(12));
		Path spec = spec("grow", "people.csv", 3);
		SMTP_PATH.failAfterMessages(5);
		assertThat(cli("run", spec.toString()).exitCode()).isEqualTo(1);
		long failed = count("SELECT max(job_execution_id) FROM batch_job_execution");
		SMTP_PATH.restore();
		addUser("olga", "operator");
		HttpClient browser = signedIn("olga");

		// The failed run offers a restart, which first says what is left.
		assertThat(get(browser, "/runs/" + failed).body()).contains("href=\"/runs/" + failed + "/restart\"");
		String confirm = get(browser, "/runs/" + failed + "/restart").body();
		assertThat(confirm).contains("queued invitations are sent").contains("Restart</button>");
		HttpResponse<String> restarted = post(browser, "/runs/" + failed + "/restart");
		long continued = count("SELECT max(job_execution_id) FROM batch_job_execution");
		assertThat(restarted.headers().firstValue("Location").orElseThrow()).endsWith("/runs/" + continued);
		assertThat(get(browser, "/runs/" + continued).body()).contains("run continues as execution " + continued);
		assertThat(awaitEnd(continued)).isEqualTo("COMPLETED");
		assertThat(count("SELECT count(DISTINCT job_instance_id) FROM batch_job_execution")).isOne();
		assertThat(received()).hasSize(12);

		// The earlier execution is finished by the later one: no action, a pointer to it.
		String earlier = get(browser, "/runs/" + failed).body();
		assertThat(earlier).doesNotContain("/runs/" + failed + "/restart\"")
			.doesNotContain("/runs/" + failed + "/abandon\"")
			.contains("This run was continued by");
		assertThat(get(browser, "/runs").body()).doesNotContain("/restart\"").doesNotContain("/abandon\"");

		// The file grows; a forged restart of either execution starts nothing and sends
		// nothing.
		Files.writeString(csv, "\nnew1@example.org,New,One\nnew2@example.org,New,Two\nnew3@example.org,New,Three",
				StandardOpenOption.APPEND);
		long executions = count("SELECT count(*) FROM batch_job_execution");
		for (long id : new long[] { failed, continued }) {
			HttpResponse<String> refused = post(browser, "/runs/" + id + "/restart");
			assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/runs/" + id);
			assertThat(get(browser, "/runs/" + id).body()).contains("was not restarted");
		}
		String key = addKey("ops", "operator");
		HttpResponse<String> api = api("POST", "/api/v1/runs/" + continued + "/restart", key, null);
		assertThat(api.statusCode()).isEqualTo(409);
		assertThat(api.body()).contains("cannot be restarted");
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions);
		Thread.sleep(300);
		assertThat(received()).hasSize(12);
		assertThat(count("SELECT count(*) FROM person WHERE email_normalized LIKE 'new%'")).isZero();
	}

	@Test
	void aRestartOfAStoppedRunWhoseFileChangedIsRefusedAndAbandonAsksForItsNumber() throws Exception {
		Path csv = write("people.csv", peopleCsv(9));
		Path spec = spec("changed", "people.csv", 3);
		SMTP_PATH.failAfterMessages(3);
		assertThat(cli("run", spec.toString()).exitCode()).isEqualTo(1);
		long failed = count("SELECT max(job_execution_id) FROM batch_job_execution");
		SMTP_PATH.restore();
		int sent = received().size();
		long queued = count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'");
		assertThat(queued).isPositive();
		Files.writeString(csv, "\nlate@example.org,Late,Comer", StandardOpenOption.APPEND);
		addUser("olga", "operator");
		HttpClient browser = signedIn("olga");

		post(browser, "/runs/" + failed + "/restart");
		assertThat(get(browser, "/runs/" + failed).body()).contains("was not restarted")
			.contains("the input file people.csv changed since execution " + failed + " started");
		String key = addKey("ops", "operator");
		assertThat(api("POST", "/api/v1/runs/" + failed + "/restart", key, null).statusCode()).isEqualTo(409);
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isOne();
		assertThat(received()).hasSize(sent);

		// Abandon shows the number it gives up and acts only on that number.
		String abandon = get(browser, "/runs/" + failed + "/abandon").body();
		assertThat(abandon).contains("<strong id=\"abandoned\">" + queued + "</strong>");
		post(browser, "/runs/" + failed + "/abandon", "&expected=" + (queued + 1));
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
				String.class, failed))
			.isEqualTo("FAILED");
		assertThat(api("POST", "/api/v1/runs/" + failed + "/abandon", key, "{\"expected\":" + (queued + 2) + "}")
			.statusCode()).isEqualTo(409);
		post(browser, "/runs/" + failed + "/abandon", "&expected=" + queued);
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
				String.class, failed))
			.isEqualTo("ABANDONED");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isZero();
		assertThat(jdbc.queryForObject(
				"SELECT actor || ' ' || detail FROM execution_event WHERE job_execution_id = ? AND type = 'ABANDONED'",
				String.class, failed))
			.isEqualTo("console:olga " + queued + " queued invitations cancelled");
		assertThat(get(browser, "/runs/" + failed).body()).doesNotContain("/runs/" + failed + "/restart\"");
	}

	@Test
	void aSendIsHeldWhenTheRunWouldSendAnotherNumberThanTheDryRunShowed() throws Exception {
		write("people.csv", peopleCsv(6));
		Path spec = spec("exact", "people.csv", 3);
		Files.copy(spec, JOBS.resolve("exact.yml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		Files.copy(dir.resolve("people.csv"), JOBS.resolve("people.csv"),
				java.nio.file.StandardCopyOption.REPLACE_EXISTING);
		addUser("olga", "operator");
		HttpClient browser = signedIn("olga");
		try {
			HttpResponse<String> dry = post(browser, "/specs/exact.yml/dry-run");
			long dryRun = Long.parseLong(dry.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
			assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");
			assertThat(get(browser, "/runs/" + dryRun).body()).contains("Send 6 invitations");
			// Between the dry run and the send, one of them gets an account elsewhere and
			// logs
			// in: the real run would send 5.
			jdbc.update("INSERT INTO person (email, email_normalized, first_name, last_name, last_login_at)"
					+ " VALUES ('p2@example.org', 'p2@example.org', 'P2', 'Person', now())");

			HttpResponse<String> send = post(browser, "/runs/" + dryRun + "/send", "&expected=6");
			long real = Long.parseLong(send.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
			assertThat(awaitEnd(real)).isEqualTo("FAILED");
			assertThat(received()).isEmpty();
			String held = get(browser, "/runs/" + real).body();
			assertThat(held).contains("This run was held before sending anything").contains("Send 5 invitations");

			post(browser, "/runs/" + real + "/confirm", "&expected=4");
			assertThat(get(browser, "/runs/" + real).body()).contains("it would send 5 now, not the 4 confirmed");
			assertThat(received()).isEmpty();
			HttpResponse<String> confirmed = post(browser, "/runs/" + real + "/confirm", "&expected=5");
			long sending = Long
				.parseLong(confirmed.headers().firstValue("Location").orElseThrow().replaceAll(".*/", ""));
			assertThat(awaitEnd(sending)).isEqualTo("COMPLETED");
			assertThat(received()).hasSize(5).noneMatch(mail -> Mails.to(mail).equals("p2@example.org"));
		}
		finally {
			Files.deleteIfExists(JOBS.resolve("exact.yml"));
			Files.deleteIfExists(JOBS.resolve("people.csv"));
		}
	}

}
