package org.invitations;

import java.io.PrintWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.bench.BenchRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's speed on a large database: fills 1,000,000 invitations and report rows
 * (set-based SQL, one run of the demo for real job metadata) and prints the time of each
 * page and API call. Not part of the test suite:
 * {@code ./mvnw -B verify -Dtest=ConsoleBenchmark -Dconsole.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dconsole.bench.rows=N} for another size; {@code -Dconsole.bench.history=N}
 * first fills N invitations of earlier runs the way {@code bench --existing N} does, and
 * times the pages that read them too).
 */
@EnabledIfSystemProperty(named = "console.bench", matches = "true")
class ConsoleBenchmark extends ConsoleTest {

	private static final int ROUNDS = 7;

	@Autowired
	BenchRunner runner;

	@Test
	void timesEveryPageAndApiCall() throws Exception {
		int rows = Integer.getInteger("console.bench.rows", 1_000_000);
		long history = Long.getLong("console.bench.history", 0L);
		if (history > 0) {
			long filling = System.nanoTime();
			PrintWriter progress = new PrintWriter(System.out, true);
			runner.fillHistory(history, progress);
			System.out.printf("filled %,d invitations of earlier runs in %.1f s%n", history,
					(System.nanoTime() - filling) / 1e9);
		}
		assertThat(cli("run", JOBS.resolve("demo.yml").toString()).exitCode()).isZero();
		long execution = Long.parseLong(lastExecution());
		long instance = count("SELECT job_instance_id FROM batch_job_execution WHERE job_execution_id = ?", execution);
		long started = System.nanoTime();
		fill(rows, instance, execution);
		System.out.printf("filled %,d people, invitations and report rows in %.1f s%n", rows,
				(System.nanoTime() - started) / 1e9);

		addUser("olga", "operator");
		String key = addKey("bench", "viewer");
		HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		signIn(browser);
		long person = count("SELECT max(id) FROM person");
		long lastInvitation = count("SELECT max(id) FROM invitation");

		Map<String, String> pages = new LinkedHashMap<>();
		pages.put("Runs", "/runs");
		pages.put("Run (totals, first rows)", "/runs/" + execution);
		pages.put("Run, SENT rows", "/runs/" + execution + "?outcome=SENT");
		pages.put("Run, QUEUED rows (none left)", "/runs/" + execution + "?outcome=QUEUED");
		pages.put("Run, FAILED rows", "/runs/" + execution + "?outcome=FAILED");
		pages.put("Run, reason filter", "/runs/" + execution + "?outcome=FAILED&reason=PERMANENT_REFUSAL");
		pages.put("Run, address search", "/runs/" + execution + "?email=b77777");
		pages.put("Run, a later page", "/runs/" + execution + "?after=" + rows / 2);
		pages.put("Invitations", "/invitations");
		pages.put("Invitations, FAILED", "/invitations?status=FAILED");
		pages.put("Invitations, pending", "/invitations?status=pending");
		pages.put("Invitations, spec", "/invitations?spec=demo");
		pages.put("Invitations, a small spec", "/invitations?spec=small-7");
		pages.put("Invitations, ACCEPTED", "/invitations?status=ACCEPTED");
		pages.put("Invitations, run", "/invitations?execution=" + execution);
		pages.put("Invitations, address", "/invitations?email=b12345");
		pages.put("Invitations, older page", "/invitations?before=" + lastInvitation / 2);
		pages.put("Cancel confirmation of a run", "/runs/" + execution + "/cancel");
		pages.put("Person", "/people/" + person);
		pages.put("Specs", "/specs");
		pages.put("Expiry preview", "/specs/expire.yml/expire");
		pages.put("Suppressions", "/suppressions");
		pages.put("People", "/people");
		pages.put("People, address search", "/people?q=b12345");
		pages.put("People, never logged in", "/people?never=true");
		pages.put("People, invitation failed", "/people?invitation=failed");
		if (history > 0) {
			String earlier = jdbc.queryForObject("SELECT email FROM person WHERE email LIKE 'h4321.%' LIMIT 1",
					String.class);
			long earlierPerson = count("SELECT id FROM person WHERE email = ?", earlier);
			pages.put("Invitations, EXPIRED", "/invitations?status=EXPIRED");
			pages.put("Invitations, an earlier spec", "/invitations?spec=history-3");
			pages.put("Invitations, earlier address", "/invitations?email=" + earlier);
			pages.put("Invitations, CANCELLED", "/invitations?status=CANCELLED");
			pages.put("People, earlier role", "/people?role=bench-history");
			pages.put("People, invitation expired", "/people?invitation=expired");
			pages.put("People, not invited yet", "/people?invitation=none");
			pages.put("People, earlier address", "/people?q=" + earlier);
			pages.put("Person with earlier runs", "/people/" + earlierPerson);
		}
		System.out.printf("%-34s %9s %9s%n", "page (" + String.format("%,d", rows) + " rows)", "median", "max");
		for (Map.Entry<String, String> page : pages.entrySet()) {
			time(page.getKey(), () -> get(browser, page.getValue(), null));
		}
		time("API GET /api/v1/runs", () -> get(http, "/api/v1/runs", key));
		time("API GET /api/v1/runs/{id}", () -> get(http, "/api/v1/runs/" + execution, key));
		time("API POST /api/v1/tokens/inspect", () -> {
			HttpResponse<String> response = api("POST", "/api/v1/tokens/inspect", key,
					"{\"token\":\"" + "A".repeat(44) + "\"}");
			return response.statusCode() == 422 ? 200 : response.statusCode();
		});
	}

	private void fill(int rows, long instance, long execution) {
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name)
				SELECT 'b' || g || '@bench.example.org', 'b' || g || '@bench.example.org', 'B' || g, 'Bench'
				FROM generate_series(1, ?) g
				""", rows);
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_hash, sent_at, expires_at, token_ttl,
				    spec_name, job_instance_id, job_execution_id, delivery_instance_id, attempt_count, last_smtp_reply,
				    email, email_normalized)
				SELECT p.id, 'INVITATION', s.status, (SELECT id FROM role WHERE name = 'volunteer'),
				       CASE WHEN s.status = 'FAILED' THEN NULL ELSE sha256(convert_to('bench' || p.id, 'UTF8')) END,
				       now(), now() + interval '1 day', interval '1 day', 'demo', ?, ?, ?, 1,
				       CASE WHEN s.status = 'FAILED' THEN '550 mailbox unavailable' ELSE '250 2.0.0 Ok: queued' END,
				       p.email, p.email_normalized
				FROM person p, LATERAL (SELECT CASE WHEN p.id % 10 = 0 THEN 'FAILED' WHEN p.id % 7 = 0 THEN 'ACCEPTED'
				                                    ELSE 'SENT' END AS status) s
				WHERE p.email_normalized LIKE '%@bench.example.org'
				""", instance, execution, instance);
		// The report rows as a run leaves them: a sent one as the select step wrote it,
		// read as SENT from its invitation (V48).
		jdbc.update("""
				INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, source_line, email,
				    email_normalized, person_id, invitation_id, kind, outcome, reason, detail)
				SELECT ?, ?, 1000 + i.id, 1000 + i.id, NULLIF(i.email, i.email_normalized), i.email_normalized,
				       i.person_id, i.id, 'INVITATION',
				       CASE WHEN i.status = 'FAILED' THEN 'FAILED' ELSE 'QUEUED' END,
				       CASE WHEN i.status = 'FAILED' THEN 'PERMANENT_REFUSAL' END,
				       CASE WHEN i.status = 'FAILED' THEN '550 mailbox unavailable' END
				FROM invitation i WHERE i.email_normalized LIKE '%@bench.example.org'
				""", instance, execution);
		jdbc.update("""
				INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
				SELECT job_instance_id, outcome, reason, count(*) FROM job_report_row WHERE job_instance_id = ?
				GROUP BY 1, 2, 3
				""", instance);
		// Twenty small specs beside the large one: a filter by status alone reads each
		// spec.
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name)
				SELECT 'c' || g || '@small.example.org', 'c' || g || '@small.example.org', 'C' || g, 'Small'
				FROM generate_series(1, 10000) g
				""");
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_hash, sent_at, expires_at, token_ttl,
				    spec_name, job_instance_id, job_execution_id, delivery_instance_id, attempt_count, email,
				    email_normalized)
				SELECT p.id, 'INVITATION', CASE WHEN p.id % 3 = 0 THEN 'ACCEPTED' ELSE 'SENT' END,
				       (SELECT id FROM role WHERE name = 'volunteer'), sha256(convert_to('small' || p.id, 'UTF8')),
				       now(), now() + interval '1 day', interval '1 day', 'small-' || p.id % 20, ?, ?, ?, 1,
				       p.email, p.email_normalized
				FROM person p WHERE p.email_normalized LIKE '%@small.example.org'
				""", instance, execution, instance);
		jdbc.execute("VACUUM ANALYZE person");
		jdbc.execute("VACUUM ANALYZE invitation");
		jdbc.execute("VACUUM ANALYZE job_report_item");
	}

	private void signIn(HttpClient browser) throws Exception {
		String login = browser
			.send(HttpRequest.newBuilder(URI.create(base() + "/login")).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(login);
		assertThat(csrf.find()).isTrue();
		String form = "username=olga&password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8) + "&_csrf="
				+ csrf.group(1);
		HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(signedIn.headers().firstValue("Location"))
			.hasValueSatisfying(l -> assertThat(l).endsWith("/people"));
	}

	private int get(HttpClient client, String path, String key) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path));
		if (key != null) {
			request.header("X-Api-Key", key);
		}
		HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return response.statusCode();
	}

	@FunctionalInterface
	private interface Call {

		int status() throws Exception;

	}

	private void time(String name, Call call) throws Exception {
		assertThat(call.status()).as(name).isEqualTo(200);
		List<Double> millis = new ArrayList<>();
		for (int i = 0; i < ROUNDS; i++) {
			long start = System.nanoTime();
			call.status();
			millis.add((System.nanoTime() - start) / 1e6);
		}
		Collections.sort(millis);
		System.out.printf("%-34s %7.1f ms %7.1f ms%n", name, millis.get(ROUNDS / 2), millis.get(ROUNDS - 1));
	}

}
