package org.invitations;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * serve in a JVM of its own, shut down by SIGTERM as a service manager or an orchestrator
 * does: it stops its runs at their next chunk through Spring Batch's stop, shuts down as
 * a web server and exits 0, the runs STOPPED and restartable; the next run sends everyone
 * else, nobody twice.
 */
class ServeShutdownIT extends IntegrationTest {

	private static final int PEOPLE = 200;

	private static final Pattern EXECUTION = Pattern.compile("\"execution\":(\\d+)");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private Process child;

	private int port;

	@AfterEach
	void killChild() {
		if (child != null && child.isAlive()) {
			child.destroyForcibly();
		}
	}

	@Test
	void sigtermWithNoRunGoingShutsDownAndExitsZero() throws Exception {
		Path log = startServe();
		assertThat(get("/actuator/health").body()).contains("\"status\":\"UP\"");

		child.destroy();

		assertThat(child.waitFor(30, TimeUnit.SECONDS)).as(read(log)).isTrue();
		String said = read(log);
		assertThat(child.exitValue()).as(said).isZero();
		assertThat(said).contains("shut down on request (SIGTERM): no run was going")
			.doesNotContain("did not stop within");
		// serve schedules the console's jobs folder by default.
		assertThat(said).contains("Scheduling the specs of " + dir.toAbsolutePath());
	}

	@Test
	void sigtermStopsARunLaunchedThroughTheApiAndTheNextRunSendsTheRestOnce() throws Exception {
		write("slow.csv", peopleCsv(PEOPLE));
		Path spec = spec("slow", "slow.csv", "throttle:", "  per-second: 40");
		Result key = cli("users", "key", "add", "ops", "--role", "operator");
		assertThat(key.exitCode()).as(key.err()).isZero();
		String operator = key.out().strip();
		Path log = startServe();

		long dryRun = execution(api("POST", "/api/v1/specs/slow.yml/dry-run", operator, null));
		assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");
		long run = execution(
				api("POST", "/api/v1/runs/" + dryRun + "/send", operator, "{\"expected\":" + PEOPLE + "}"));
		assertThat(SMTP.waitForIncomingEmail(120_000, 20)).as(() -> "20 messages sent; serve said:\n" + read(log))
			.isTrue();

		long asked = System.nanoTime();
		child.destroy();
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).as(read(log)).isTrue();
		Duration took = Duration.ofNanos(System.nanoTime() - asked);

		String said = read(log);
		assertThat(child.exitValue()).as(said).isZero();
		assertThat(took).as(said).isLessThan(Duration.ofSeconds(10));
		assertThat(said).contains("shut down on request (SIGTERM): execution " + run + " STOPPED")
			.doesNotContain("did not stop within");
		assertThat(status(run)).isEqualTo("STOPPED");
		int arrived = received().size();
		assertThat(arrived).isLessThan(PEOPLE);
		assertThat(perRecipient()).hasSize(arrived);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(arrived);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENDING'")).isZero();
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(count("SELECT count(*) FROM execution_owner")).isZero();

		Result again = cli("run", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(received()).hasSize(PEOPLE);
		assertThat(perRecipient()).hasSize(PEOPLE).allSatisfy((to, n) -> assertThat(n).as(to).isOne());
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE);
		assertThat(jdbc.queryForList(
				"SELECT status FROM batch_job_execution WHERE job_execution_id >= ?" + " ORDER BY job_execution_id",
				String.class, run))
			.containsExactly("STOPPED", "COMPLETED");
	}

	private Path startServe() throws Exception {
		port = freePort();
		Path log = dir.resolve("serve.log");
		child = startChildCommand(log, List.of("-XX:TieredStopAtLevel=1"), "serve", "--server.port=" + port,
				"--invitations.console.jobs=" + dir.toAbsolutePath());
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (System.nanoTime() < deadline) {
			assertThat(child.isAlive()).as(() -> "serve is running; it said:\n" + read(log)).isTrue();
			try {
				if (get("/actuator/health").statusCode() == 200) {
					return log;
				}
			}
			catch (java.io.IOException notYet) {
				// Not listening yet.
			}
			Thread.sleep(200);
		}
		throw new AssertionError("serve did not answer within 120s; it said:\n" + read(log));
	}

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> api(String method, String path, String key, String json) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.header("Authorization", "Bearer " + key)
			.method(method,
					json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static long execution(HttpResponse<String> response) {
		Matcher matcher = EXECUTION.matcher(response.body());
		assertThat(matcher.find()).as(response.statusCode() + " " + response.body()).isTrue();
		return Long.parseLong(matcher.group(1));
	}

	private String status(long execution) {
		return jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?", String.class,
				execution);
	}

	private String awaitEnd(long execution) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		String status = "";
		while (System.nanoTime() < deadline) {
			status = status(execution);
			if (!List.of("STARTING", "STARTED", "STOPPING").contains(status)) {
				return status;
			}
			Thread.sleep(100);
		}
		return status;
	}

	private Map<String, Long> perRecipient() {
		return received().stream().collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
	}

	private static int freePort() throws java.io.IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String read(Path file) {
		try {
			String text = Files.readString(file);
			return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
		}
		catch (java.io.IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

}
