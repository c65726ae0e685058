package org.invitations;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API: API keys, tokens inspected and redeemed by the host application, runs
 * listed and launched.
 */
class ConsoleApiIT extends ConsoleTest {

	private static final Pattern EXECUTION = Pattern.compile("\"execution\":(\\d+)");

	private String viewer;

	private String operator;

	@BeforeEach
	void keys() {
		viewer = addKey("crm", "viewer");
		operator = addKey("ops", "operator");
	}

	@Test
	void aMissingOrWrongApiKeyIsRefused() throws Exception {
		assertThat(api("GET", "/api/v1/runs", null, null).statusCode()).isEqualTo(401);
		assertThat(api("GET", "/api/v1/runs", "inv_not-a-key", null).statusCode()).isEqualTo(401);
		assertThat(api("GET", "/api/v1/runs", viewer + "x", null).statusCode()).isEqualTo(401);
		var wrongHeader = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/api/v1/runs"))
			.header("X-Api-Key", "wrong")
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(wrongHeader.statusCode()).isEqualTo(401);
		assertThat(api("POST", "/api/v1/tokens/inspect", null, "{\"token\":\"x\"}").statusCode()).isEqualTo(401);
		var rightHeader = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/api/v1/runs"))
			.header("X-Api-Key", viewer)
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(rightHeader.statusCode()).isEqualTo(200);
		assertThat(api("GET", "/api/v1/runs", viewer, null).body()).isEqualTo("[]");
		// A viewer key reads and relays a person's link, but launches nothing.
		assertThat(api("POST", "/api/v1/specs/demo.yml/dry-run", viewer, null).statusCode()).isEqualTo(403);
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isZero();
		// Only the key's hash is stored.
		assertThat(count("SELECT count(*) FROM api_key WHERE key_hash = sha256(convert_to(?, 'UTF8'))", viewer))
			.isOne();
		assertThat(count("SELECT count(*) FROM api_key WHERE encode(key_hash, 'escape') LIKE ?", "%" + viewer + "%"))
			.isZero();
	}

	@Test
	void inspectNeverConsumesATokenAndRedeemAcceptsIt() throws Exception {
		String token = sendDemoAndTakeAToken();
		for (int i = 0; i < 3; i++) {
			HttpResponse<String> inspected = api("POST", "/api/v1/tokens/inspect", viewer, tokenJson(token));
			assertThat(inspected.statusCode()).isEqualTo(200);
			assertThat(inspected.body()).contains("\"status\":\"VALID\"").contains("\"kind\":\"INVITATION\"");
		}
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(26);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'INSPECTED'")).isEqualTo(3);

		HttpResponse<String> redeemed = api("POST", "/api/v1/tokens/redeem", viewer, tokenJson(token));
		assertThat(redeemed.statusCode()).isEqualTo(200);
		assertThat(redeemed.body()).contains("\"status\":\"ACCEPTED\"");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'ACCEPTED'")).isOne();
		assertThat(jdbc.queryForObject("SELECT actor FROM invitation_history WHERE type = 'ACCEPTED'", String.class))
			.isEqualTo("api:crm");
		// The token is in no URL, so in no log line or access log of the server.
		assertThat(jdbc.queryForList("SELECT detail FROM invitation_history", String.class))
			.noneMatch(detail -> detail != null && detail.contains(token));
	}

	@Test
	void aTokenIsRedeemedExactlyOnceUnderSixteenConcurrentRequests() throws Exception {
		String token = sendDemoAndTakeAToken();
		ExecutorService pool = Executors.newFixedThreadPool(16);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			answers.add(pool.submit(() -> {
				start.await();
				return api("POST", "/api/v1/tokens/redeem", viewer, tokenJson(token));
			}));
		}
		start.countDown();
		int accepted = 0;
		int refused = 0;
		for (Future<HttpResponse<String>> answer : answers) {
			HttpResponse<String> response = answer.get();
			if (response.statusCode() == 200 && response.body().contains("\"ACCEPTED\"")) {
				accepted++;
			}
			else if (response.statusCode() == 422 && response.body().contains("\"INVALID\"")) {
				refused++;
			}
		}
		pool.shutdown();
		assertThat(accepted).isOne();
		assertThat(refused).isEqualTo(15);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'ACCEPTED'")).isOne();
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'REDEEM_REFUSED'")).isEqualTo(15);
	}

	@Test
	void wrongTokensGetTheSameAnswerWhateverTheReason() throws Exception {
		String used = sendDemoAndTakeAToken();
		assertThat(api("POST", "/api/v1/tokens/redeem", viewer, tokenJson(used)).statusCode()).isEqualTo(200);
		MimeMessage other = received().stream().filter(m -> !Mails.token(m).equals(used)).findFirst().orElseThrow();
		String cancelled = Mails.token(other);
		long cancelledId = jdbc.queryForObject("SELECT id FROM invitation WHERE email_normalized = ?", Long.class,
				Mails.to(other));
		HttpResponse<String> cancel = api("POST", "/api/v1/invitations/" + cancelledId + "/cancel", operator,
				"{\"reason\":\"left the parish\"}");
		assertThat(cancel.body()).isEqualTo("{\"cancelled\":1}");
		String unknown = "A".repeat(43) + "Q";

		List<String> answers = new ArrayList<>();
		for (String token : List.of(used, cancelled, unknown, "not a token", "")) {
			for (String action : List.of("inspect", "redeem")) {
				HttpResponse<String> response = api("POST", "/api/v1/tokens/" + action, viewer, tokenJson(token));
				answers.add(response.statusCode() + " " + response.body());
			}
		}
		assertThat(answers).hasSize(10).allMatch(answers.get(0)::equals);
		assertThat(answers.get(0)).startsWith("422 ").contains("\"status\":\"INVALID\"").doesNotContain("@");
		// The precise reason is in the invitations' history, not in the answer.
		assertThat(jdbc.queryForList("SELECT detail FROM invitation_history WHERE type = 'REDEEM_REFUSED' ORDER BY id",
				String.class))
			.contains("already used", "old link: cancelled");
	}

	@Test
	void anOperatorKeyLaunchesADryRunThenSendsExactlyWhatItShowed() throws Exception {
		HttpResponse<String> dryRun = api("POST", "/api/v1/specs/demo.yml/dry-run", operator, null);
		assertThat(dryRun.statusCode()).isEqualTo(202);
		long dryRunId = execution(dryRun.body());
		assertThat(awaitEnd(dryRunId)).isEqualTo("COMPLETED");
		HttpResponse<String> totals = api("GET", "/api/v1/runs/" + dryRunId, viewer, null);
		assertThat(totals.body()).contains("\"wouldSend\":26").contains("\"outcome\":\"WOULD_SEND\",\"count\":26");
		assertThat(received()).isEmpty();

		HttpResponse<String> wrongNumber = api("POST", "/api/v1/runs/" + dryRunId + "/send", operator,
				"{\"expected\":25}");
		assertThat(wrongNumber.statusCode()).isEqualTo(409);
		assertThat(wrongNumber.body()).contains("the dry run would send 26, not 25");
		assertThat(api("POST", "/api/v1/runs/" + dryRunId + "/send", viewer, "{\"expected\":26}").statusCode())
			.isEqualTo(403);

		HttpResponse<String> send = api("POST", "/api/v1/runs/" + dryRunId + "/send", operator, "{\"expected\":26}");
		assertThat(send.statusCode()).isEqualTo(202);
		long sendId = execution(send.body());
		assertThat(awaitEnd(sendId)).isEqualTo("COMPLETED");
		assertThat(received()).hasSize(26);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(26);
		assertThat(jdbc.queryForList("SELECT type || ' ' || actor FROM execution_event ORDER BY id", String.class))
			.containsExactly("LAUNCHED api:ops", "LAUNCHED api:ops");

		// The same dry run cannot be confirmed twice: the spec has run since.
		HttpResponse<String> again = api("POST", "/api/v1/runs/" + dryRunId + "/send", operator, "{\"expected\":26}");
		assertThat(again.statusCode()).isEqualTo(409);
		assertThat(again.body()).contains("ran since the dry run");

		HttpResponse<String> runs = api("GET", "/api/v1/runs?limit=1", viewer, null);
		assertThat(runs.body()).startsWith("[{\"execution\":" + sendId + ",").contains("\"SENT\":26");
	}

	private String sendDemoAndTakeAToken() throws Exception {
		Result run = cli("run", JOBS.resolve("demo.yml").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(received()).hasSize(26);
		return Mails.token(received().get(0));
	}

	private static String tokenJson(String token) {
		return "{\"token\":\"" + token.replace("\"", "") + "\"}";
	}

	private static long execution(String body) {
		Matcher matcher = EXECUTION.matcher(body);
		assertThat(matcher.find()).as(body).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
