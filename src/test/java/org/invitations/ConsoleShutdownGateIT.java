package org.invitations;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;

import org.invitations.console.ConsoleServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once shutdown has begun (the signal came; the runs under way are being stopped) no new
 * run starts: the page and the API answer 503 and say why; reading, stopping and
 * cancelling go on. Its own application, which it shuts.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ConsoleShutdownGateIT extends ConsoleTest {

	@Autowired
	ConsoleServer server;

	@Test
	void launchesAreRefusedWith503AfterTheSignal() throws Exception {
		addUser("olga", "operator");
		String key = addKey("ops", "operator");
		HttpClient browser = signedIn("olga");
		HttpResponse<String> dryRun = api("POST", "/api/v1/specs/demo.yml/dry-run", key, null);
		assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(202);
		Matcher id = Pattern.compile("\"execution\":(\\d+)").matcher(dryRun.body());
		assertThat(id.find()).isTrue();
		long execution = Long.parseLong(id.group(1));
		assertThat(awaitEnd(execution)).isEqualTo("COMPLETED");
		long executions = count("SELECT count(*) FROM batch_job_execution");

		// What the SIGTERM handler of serve calls, before it stops the runs and closes
		// the application.
		server.signalled("SIGTERM");

		HttpResponse<String> api = api("POST", "/api/v1/specs/demo.yml/dry-run", key, null);
		assertThat(api.statusCode()).isEqualTo(503);
		assertThat(api.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
		assertThat(api.body()).startsWith("{\"error\":\"The console is shutting down: no new run starts now.");
		HttpResponse<String> send = api("POST", "/api/v1/runs/" + execution + "/send", key, "{\"expected\":26}");
		assertThat(send.statusCode()).isEqualTo(503);

		HttpResponse<String> page = post(browser, "/specs/demo.yml/dry-run");
		assertThat(page.statusCode()).isEqualTo(503);
		assertThat(page.body()).contains("The console is shutting down: no new run starts now.");
		assertThat(post(browser, "/runs/" + execution + "/send", "&expected=26").statusCode()).isEqualTo(503);

		assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions);
		// Reading goes on: an admin can still see how the runs end.
		assertThat(get(browser, "/runs/" + execution).statusCode()).isEqualTo(200);
		assertThat(api("GET", "/api/v1/runs/" + execution, key, null).statusCode()).isEqualTo(200);
	}

}
