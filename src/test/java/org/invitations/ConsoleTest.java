package org.invitations;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.invitations.testsupport.TestDatabase;

/**
 * Base of the console's tests: {@code serve}'s web application on a random port, on the
 * real PostgreSQL and GreenMail of the integration tests, with a jobs folder of its own
 * holding the demo (resendable at once) and a broken spec.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=servlet",
				"invitations.mail.from=Example Parish <no-reply@example.org>", "spring.mail.host=127.0.0.1",
				"invitations.mail.retry.delay=20ms", "invitations.mail.retry.max-delay=100ms",
				"invitations.mail.retry.jitter=5ms", "spring.mail.properties.mail.smtp.connectiontimeout=2000",
				"spring.mail.properties.mail.smtp.timeout=2000" })
@Import(TestDatabase.class)
abstract class ConsoleTest extends IntegrationTest {

	static final String PASSWORD = "correct horse battery";

	static final Path JOBS = jobsFolder();

	@LocalServerPort
	int port;

	final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@DynamicPropertySource
	static void jobs(DynamicPropertyRegistry registry) {
		registry.add("invitations.console.jobs", JOBS::toString);
		registry.add("invitations.console.sends", () -> JOBS.resolveSibling(JOBS.getFileName() + "-sends").toString());
	}

	private static Path jobsFolder() {
		try {
			Path folder = Files.createTempDirectory("console-jobs");
			Files.createDirectories(folder.resolve("samples"));
			Files.copy(Path.of("jobs/samples/people.csv"), folder.resolve("samples/people.csv"));
			Files.writeString(folder.resolve("demo.yml"),
					Files.readString(Path.of("jobs/demo.yml")) + "resend:\n  min-interval: 0s\n");
			Files.writeString(folder.resolve("broken.yml"), "name: broken\nsource:\n  csv: missing.csv\n");
			Files.copy(Path.of("jobs/expire.yml"), folder.resolve("expire.yml"));
			return folder;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String base() {
		return "http://127.0.0.1:" + port;
	}

	/** Adds a console user the documented way, the password on standard input. */
	void addUser(String name, String role) {
		Result added = withStdin(PASSWORD + "\n", () -> cli("users", "add", name, "--role", role));
		if (added.exitCode() != 0) {
			throw new IllegalStateException("users add " + name + ": " + added.err());
		}
	}

	/** Creates an API key the documented way and returns the key it printed once. */
	String addKey(String name, String role) {
		Result added = cli("users", "key", "add", name, "--role", role);
		if (added.exitCode() != 0) {
			throw new IllegalStateException("users key add " + name + ": " + added.err());
		}
		return added.out().strip();
	}

	Result withStdin(String input, java.util.function.Supplier<Result> command) {
		InputStream original = System.in;
		System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
		try {
			return command.get();
		}
		finally {
			System.setIn(original);
		}
	}

	HttpResponse<String> api(String method, String path, String key, String json) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method,
					json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Signs the user in through the login form, as a browser would, and returns a client
	 * holding the session.
	 */
	HttpClient signedIn(String name) throws Exception {
		HttpClient browser = HttpClient.newBuilder()
			.cookieHandler(new java.net.CookieManager())
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		String login = browser
			.send(HttpRequest.newBuilder(URI.create(base() + "/login")).build(), HttpResponse.BodyHandlers.ofString())
			.body();
		java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
			.matcher(login);
		if (!csrf.find()) {
			throw new IllegalStateException("no CSRF token on the login page");
		}
		String form = "username=" + name + "&password=" + java.net.URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)
				+ "&_csrf=" + csrf.group(1);
		HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (!signedIn.headers().firstValue("Location").orElse("").endsWith("/people")) {
			throw new IllegalStateException("sign-in of " + name + " failed: " + signedIn.statusCode());
		}
		return browser;
	}

	/** A GET with the given client (a signed-in one or not), redirects not followed. */
	HttpResponse<String> get(HttpClient client, String path) throws Exception {
		return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Posts a form as the browser does, with the CSRF token the Runs page carries and
	 * further fields ({@code "&name=value"}), redirects not followed.
	 */
	HttpResponse<String> post(HttpClient browser, String path, String... form) throws Exception {
		String runs = get(browser, "/people").body();
		java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
			.matcher(runs);
		if (!csrf.find()) {
			throw new IllegalStateException("no CSRF token on the Runs page: " + runs);
		}
		return browser.send(HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrf.group(1) + String.join("", form)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Posts a multipart form as the browser does: the CSRF token, the fields
	 * ({@code name, value, name, value…}) and one file, redirects not followed.
	 */
	HttpResponse<String> upload(HttpClient browser, String path, String fileName, String content, String... fields)
			throws Exception {
		java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
			.matcher(get(browser, "/people").body());
		if (!csrf.find()) {
			throw new IllegalStateException("no CSRF token on the People page");
		}
		String boundary = "----invitations-test";
		StringBuilder body = new StringBuilder();
		java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("_csrf", csrf.group(1)));
		all.addAll(java.util.List.of(fields));
		for (int i = 0; i + 1 < all.size(); i += 2) {
			body.append("--")
				.append(boundary)
				.append("\r\nContent-Disposition: form-data; name=\"")
				.append(all.get(i))
				.append("\"\r\n\r\n")
				.append(all.get(i + 1))
				.append("\r\n");
		}
		body.append("--")
			.append(boundary)
			.append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
			.append(fileName)
			.append("\"\r\nContent-Type: text/csv\r\n\r\n")
			.append(content)
			.append("\r\n--")
			.append(boundary)
			.append("--\r\n");
		return browser.send(HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofString(body.toString(), java.nio.charset.StandardCharsets.UTF_8))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Waits until the execution has ended, as a person watching its page would. */
	String awaitEnd(long execution) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		String status = "";
		while (System.nanoTime() < deadline) {
			status = jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
					String.class, execution);
			if (!java.util.List.of("STARTING", "STARTED", "STOPPING").contains(status)) {
				return status;
			}
			Thread.sleep(100);
		}
		return status;
	}

}
