package org.invitations;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When a run ends its admins hear of it: an email at the SMTP server (GreenMail) with the
 * totals and the HTML report, a signed webhook call; a notification that cannot be
 * delivered changes nothing about the run.
 */
@TestPropertySource(properties = { "invitations.notify.to=ops@example.org", "invitations.notify.retry-delay=20ms",
		"invitations.notify.webhook-secret=s3cret" })
class NotificationsIT extends IntegrationTest {

	private HttpServer hooks;

	@AfterEach
	void stopHooks() {
		if (hooks != null) {
			hooks.stop(0);
		}
	}

	private List<MimeMessage> notifications() {
		return received().stream().filter(m -> subject(m).startsWith("[invitations]")).toList();
	}

	@Test
	void aCompletedRunEmailsItsTotalsAndTheHtmlReport() throws Exception {
		write("four.csv", peopleCsv(3) + "\nnot-an-email,No,Body\n");
		Result run = cli("run", spec("four", "four.csv", "notify: [admin@example.org]").toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		List<MimeMessage> mails = notifications();
		assertThat(mails).extracting(Mails::to).containsExactlyInAnyOrder("ops@example.org", "admin@example.org");
		MimeMessage mail = mails.get(0);
		assertThat(subject(mail)).isEqualTo("[invitations] Run 1 of 'four' completed: 3 sent, 1 to look at");
		String text = text(mail);
		assertThat(text).containsPattern("SENT\\s+3")
			.containsPattern("REJECTED\\s+1")
			.containsPattern("TOTAL\\s+4")
			.contains("rows read 4 = sent 3", ": holds", "Top problem reasons:", "REJECTED INVALID_EMAIL",
					"What to do next:", "invitations report " + lastExecution() + " --format html");
		Document report = Jsoup.parse(attachment(mail, "report-" + lastExecution() + ".html"));
		assertThat(report.title()).isEqualTo("Run 1 of 'four': execution " + lastExecution() + " COMPLETED"
				+ report.title().substring(report.title().indexOf(" COMPLETED") + 10));
		assertThat(report.select("tr.REJECTED")).hasSize(1);
		assertThat(report.select("tr.SENT")).hasSize(3);

		Result status = cli("status", lastExecution());
		assertThat(status.out()).contains("notification email to ops@example.org: SENT",
				"notification email to admin@example.org: SENT");
	}

	@Test
	void aPausedRunIsReportedToo() throws Exception {
		write("five.csv", peopleCsv(5));
		Result run = cli("run", spec("five", "five.csv", 1, "throttle:", "  per-day: 2").toString());

		assertThat(run.exitCode()).as(run.out()).isEqualTo(4);
		MimeMessage mail = notifications().get(0);
		assertThat(subject(mail)).isEqualTo("[invitations] Run 1 of 'five' paused: 2 sent, 3 to look at");
		assertThat(text(mail)).contains("Sending must wait", "daily limit", "run the same spec again later to go on")
			.containsPattern("QUEUED\\s+3")
			.contains("rows read 5 = sent 2", "queued 3: holds");
		Document report = Jsoup.parse(attachment(mail, "report-" + lastExecution() + ".html"));
		assertThat(report.select("tr.QUEUED")).hasSize(3);
	}

	@Test
	void aFailedRunIsReportedToo() throws Exception {
		write("five.csv", peopleCsv(5));
		// The database refuses to record the outcomes of what was sent: the deliver step
		// fails.
		jdbc.execute("""
				CREATE OR REPLACE FUNCTION keep_claims() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN RAISE EXCEPTION 'outcomes cannot be recorded'; END $$""");
		jdbc.execute(
				"CREATE TRIGGER keep_claims BEFORE DELETE ON delivery_claim FOR EACH ROW EXECUTE FUNCTION keep_claims()");
		Result run;
		try {
			run = cli("run", spec("five", "five.csv", 5).toString());
		}
		finally {
			jdbc.execute("DROP TRIGGER keep_claims ON delivery_claim");
			jdbc.execute("DROP FUNCTION keep_claims()");
		}

		assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
		MimeMessage mail = notifications().get(0);
		assertThat(subject(mail)).startsWith("[invitations] Run 1 of 'five' failed: ");
		assertThat(text(mail)).contains("The run failed; run the same spec again to restart it.", "rows read 5 = ");
		Document report = Jsoup.parse(attachment(mail, "report-" + lastExecution() + ".html"));
		assertThat(report.select(".status").text()).isEqualTo("FAILED");
	}

	@Test
	void anUnreachableMailServerLeavesTheRunAsItWas() throws Exception {
		write("two.csv", peopleCsv(2));
		// The two invitations go through; the server is gone by the time the run is over.
		SMTP_PATH.failAfterMessages(2);

		Result run = cli("run", spec("two", "two.csv", 1).toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+2");
		assertThat(notifications()).isEmpty();
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution WHERE job_execution_id = ?",
				String.class, Long.parseLong(lastExecution())))
			.isEqualTo("COMPLETED");
		assertThat(jdbc.queryForList("SELECT status || ' ' || channel FROM execution_notification", String.class))
			.containsExactly("FAILED EMAIL");
		Result report = cli("report", lastExecution());
		assertThat(report.out()).contains("notification email to ops@example.org: FAILED");
	}

	@Test
	void theWebhookGetsASignedSummaryAndIsTriedAgainAfterAServerError() throws Exception {
		List<String> bodies = new CopyOnWriteArrayList<>();
		List<String> signatures = new CopyOnWriteArrayList<>();
		AtomicInteger calls = new AtomicInteger();
		hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		hooks.createContext("/hook", exchange -> {
			try (InputStream in = exchange.getRequestBody()) {
				bodies.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
			signatures.add(exchange.getRequestHeaders().getFirst("X-Invitations-Signature"));
			exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 503 : 204, -1);
			exchange.close();
		});
		hooks.start();
		write("one.csv", peopleCsv(1));
		String url = "http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook";

		Result run = cli("run", spec("one", "one.csv", "notify-webhook: " + url).toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(bodies).hasSize(2);
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		String expected = "sha256="
				+ HexFormat.of().formatHex(mac.doFinal(bodies.get(1).getBytes(StandardCharsets.UTF_8)));
		assertThat(signatures.get(1)).isEqualTo(expected);
		JsonNode summary = new ObjectMapper().readTree(bodies.get(1));
		assertThat(summary.get("execution_id").asLong()).isEqualTo(Long.parseLong(lastExecution()));
		assertThat(summary.get("invariant").get("holds").asBoolean()).isTrue();
		assertThat(summary.get("status").asString()).isEqualTo("COMPLETED");
		assertThat(jdbc.queryForList("SELECT channel || ' ' || status FROM execution_notification ORDER BY id",
				String.class))
			.containsExactly("EMAIL SENT", "WEBHOOK SENT");
	}

	/**
	 * A run stopped on request notifies once, without waiting to try again: the process
	 * is on its way out within its stop timeout.
	 */
	@Test
	void aStoppedRunIsNotifiedOnceWithoutRetries() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		hooks.createContext("/hook", exchange -> {
			calls.incrementAndGet();
			exchange.getRequestBody().readAllBytes();
			exchange.sendResponseHeaders(503, -1);
			exchange.close();
		});
		hooks.start();
		write("slow.csv", peopleCsv(100));
		String url = "http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook";
		String spec = spec("slow", "slow.csv", 1, "notify-webhook: " + url, "throttle:", "  per-second: 20").toString();
		Thread stopper = new Thread(() -> {
			SMTP.waitForIncomingEmail(30_000, 3);
			cli("stop", lastExecution());
		});
		stopper.start();

		Result run = cli("run", spec);
		stopper.join(30_000);

		assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(3);
		assertThat(calls).hasValue(1);
		assertThat(jdbc.queryForList("SELECT channel || ' ' || status FROM execution_notification ORDER BY id",
				String.class))
			.containsExactly("EMAIL SENT", "WEBHOOK FAILED");
	}

	@Test
	void aWebhookNobodyAnswersIsRecordedAndTheExitCodeStays() throws Exception {
		write("one.csv", peopleCsv(1));

		Result run = cli("run", spec("one", "one.csv", "notify-webhook: http://127.0.0.1:9/hook").toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(
				jdbc.queryForList("SELECT status FROM execution_notification WHERE channel = 'WEBHOOK'", String.class))
			.containsExactly("FAILED");
		assertThat(cli("status", lastExecution()).out())
			.contains("notification webhook to http://127.0.0.1:9/hook: FAILED");
	}

	@Test
	void dryRunsNotifyOnlyWhenAsked() throws Exception {
		write("one.csv", peopleCsv(1));
		assertThat(cli("run", spec("quiet", "one.csv").toString(), "--dry-run").exitCode()).isZero();
		assertThat(notifications()).isEmpty();

		assertThat(cli("run", spec("loud", "one.csv", "notify-dry-run: true").toString(), "--dry-run").exitCode())
			.isZero();
		assertThat(notifications()).singleElement()
			.extracting(NotificationsIT::subject)
			.isEqualTo("[invitations] Run 1 of 'loud' (dry run) completed: 1 would be sent, 0 to look at");
	}

	private static String subject(MimeMessage message) {
		try {
			return message.getSubject();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String text(MimeMessage message) throws Exception {
		List<Part> parts = parts(message);
		return (String) parts.stream()
			.filter(p -> isType(p, "text/plain") && !isAttachment(p))
			.findFirst()
			.orElseThrow()
			.getContent();
	}

	private static String attachment(MimeMessage message, String name) throws Exception {
		Part part = parts(message).stream()
			.filter(p -> name.equals(fileName(p)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no attachment " + name));
		try (InputStream in = part.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static List<Part> parts(Part part) throws Exception {
		List<Part> all = new ArrayList<>();
		if (part.getContent() instanceof Multipart multipart) {
			for (int i = 0; i < multipart.getCount(); i++) {
				BodyPart child = multipart.getBodyPart(i);
				all.addAll(parts(child));
			}
		}
		else {
			all.add(part);
		}
		return all;
	}

	private static boolean isType(Part part, String type) {
		try {
			return part.isMimeType(type);
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static boolean isAttachment(Part part) {
		return fileName(part) != null;
	}

	private static String fileName(Part part) {
		try {
			return part.getFileName();
		}
		catch (Exception ex) {
			return null;
		}
	}

}
