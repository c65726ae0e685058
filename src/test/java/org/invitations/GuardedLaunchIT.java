package org.invitations;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blast-radius guard in the console's launch: a dry run over the spec's
 * max-recipients says so, and the operator's "Send N invitations" (or the API's confirmed
 * send) is the confirmation the guard needs, for exactly N.
 */
class GuardedLaunchIT extends ConsoleTest {

	private static final Pattern EXECUTION = Pattern.compile("\"execution\":(\\d+)");

	private final Path limited = JOBS.resolve("limited.yml");

	@BeforeEach
	void limitedSpec() throws Exception {
		Files.writeString(limited, Files.readString(JOBS.resolve("demo.yml")).replace("name: demo", "name: limited")
				+ "max-recipients: 10\n");
	}

	@AfterEach
	void removeSpec() throws Exception {
		Files.deleteIfExists(limited);
	}

	@Test
	void sendNInvitationsOnThePageConfirmsTheNumberOverTheLimit() throws Exception {
		addUser("olga", "operator");
		HttpClient browser = signedIn("olga");
		String specs = get(browser, "/specs").body();
		HttpResponse<String> launched = post(browser, "/specs/limited.yml/dry-run", csrf(specs), "");
		long dryRun = Long
			.parseLong(launched.headers().firstValue("Location").orElseThrow().replaceAll(".*/runs/", ""));
		assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");

		Document page = Jsoup.parse(get(browser, "/runs/" + dryRun).body());
		assertThat(page.selectFirst("#over-limit").text())
			.startsWith("26 is more than this spec's max-recipients (10).")
			.contains("run --confirm 26");
		assertThat(page.select("form.confirm button").text()).isEqualTo("Send 26 invitations");
		String expected = page.selectFirst("form.confirm input[name=expected]").val();

		HttpResponse<String> sent = post(browser, "/runs/" + dryRun + "/send", csrf(page.html()),
				"&expected=" + expected);
		long run = Long.parseLong(sent.headers().firstValue("Location").orElseThrow().replaceAll(".*/runs/", ""));
		assertThat(run).isGreaterThan(dryRun);
		assertThat(awaitEnd(run)).isEqualTo("COMPLETED");
		assertThat(received()).hasSize(26);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(26);
		assertThat(
				jdbc.queryForObject("SELECT detail FROM execution_event WHERE job_execution_id = ?", String.class, run))
			.isEqualTo("run, 26 confirmed after the dry run");

		// A dry run under the limit says nothing of it.
		Files.writeString(limited, Files.readString(limited).replace("max-recipients: 10", "max-recipients: 100"));
		HttpResponse<String> under = post(browser, "/specs/limited.yml/dry-run", csrf(specs), "");
		long underId = Long.parseLong(under.headers().firstValue("Location").orElseThrow().replaceAll(".*/runs/", ""));
		assertThat(awaitEnd(underId)).isEqualTo("COMPLETED");
		assertThat(Jsoup.parse(get(browser, "/runs/" + underId).body()).selectFirst("#over-limit")).isNull();
	}

	@Test
	void theApiConfirmsTheNumberAndTheRunIsRefusedWhenTheRealCountDiffers() throws Exception {
		String operator = addKey("ops", "operator");
		long dryRun = execution(api("POST", "/api/v1/specs/limited.yml/dry-run", operator, null).body());
		assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");
		HttpResponse<String> totals = api("GET", "/api/v1/runs/" + dryRun, operator, null);
		assertThat(totals.body()).contains("\"wouldSend\":26").contains("\"maxRecipients\":10");

		// Between the dry run and the send, one of its people logs in: the real run would
		// send 25, not 26.
		String email = jdbc.queryForObject("SELECT email FROM job_report_row WHERE job_execution_id = ?"
				+ " AND outcome = 'WOULD_SEND' ORDER BY item_number LIMIT 1", String.class, dryRun);
		if (jdbc.update("UPDATE person SET last_login_at = now() WHERE email_normalized = lower(?)", email) == 0) {
			jdbc.update("INSERT INTO person (email, email_normalized, first_name, last_name, last_login_at)"
					+ " VALUES (?, lower(?), 'Early', 'Bird', now())", email, email);
		}
		HttpResponse<String> send = api("POST", "/api/v1/runs/" + dryRun + "/send", operator, "{\"expected\":26}");
		assertThat(send.statusCode()).as(send.body()).isEqualTo(202);
		long run = execution(send.body());
		assertThat(awaitEnd(run)).isEqualTo("FAILED");
		assertThat(jdbc.queryForObject("SELECT exit_message FROM batch_step_execution WHERE job_execution_id = ?"
				+ " AND step_name = 'deliver'", String.class, run))
			.contains("--confirm 26 does not match")
			.contains("would send 25 emails");
		assertThat(received()).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isZero();
	}

	private static String csrf(String html) {
		Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
		assertThat(csrf.find()).as("a CSRF token on the page").isTrue();
		return csrf.group(1);
	}

	private HttpResponse<String> post(HttpClient browser, String path, String csrf, String form) throws Exception {
		return browser.send(HttpRequest.newBuilder(URI.create(base() + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString("_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static long execution(String body) {
		Matcher matcher = EXECUTION.matcher(body);
		assertThat(matcher.find()).as(body).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
