package org.invitations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.standardwebhooks.Webhook;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import org.invitations.bounce.BounceReport;
import org.invitations.bounce.Bounces;
import org.invitations.invitation.BounceNotice;
import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.TokenRedeemer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The host application's events, POSTed by the dispatcher running in the background (as
 * in {@code serve}) to a real HTTP receiver: each signature checked by the Standard
 * Webhooks reference verifier, every event delivered once the receiver is back, in order
 * per invitation, and none for a change that was rolled back.
 */
@TestPropertySource(properties = { "invitations.events.secret=" + EventsIT.SECRET, "invitations.events.dispatch=true",
		"invitations.events.poll=50ms", "invitations.events.retry-delays=200ms", "invitations.events.max-attempts=8",
		"invitations.events.timeout=2s" })
class EventsIT extends IntegrationTest {

	static final String SECRET = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

	/** One request the receiver got, and the status it answered. */
	record Received(String body, Map<String, List<String>> headers, int answered) {

		String id() {
			return headers.get("Webhook-id").get(0);
		}

		JsonNode json() {
			return new ObjectMapper().readTree(body);
		}

		String type() {
			return json().get("type").asString();
		}

		long invitation() {
			return json().get("data").get("invitation_id").asLong();
		}

	}

	static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();

	/** What the receiver answers now. */
	static final AtomicInteger ANSWER = new AtomicInteger(204);

	static final HttpServer RECEIVER = receiver();

	@Autowired
	TokenRedeemer redeemer;

	private static HttpServer receiver() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/events", exchange -> {
				int status = ANSWER.get();
				try (InputStream in = exchange.getRequestBody()) {
					RECEIVED.add(new Received(new String(in.readAllBytes(), StandardCharsets.UTF_8),
							Map.copyOf(exchange.getRequestHeaders()), status));
				}
				if (status == 429) {
					exchange.getResponseHeaders().add("Retry-After", "2");
				}
				exchange.sendResponseHeaders(status, -1);
				exchange.close();
			});
			server.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@DynamicPropertySource
	static void receiverUrl(DynamicPropertyRegistry registry) {
		registry.add("invitations.events.url", () -> "http://127.0.0.1:" + RECEIVER.getAddress().getPort() + "/events");
	}

	@BeforeEach
	void receiverUp() {
		ANSWER.set(204);
		RECEIVED.clear();
	}

	@Test
	void aReceiverThatWasDownGetsEveryEventOnceBackInOrderPerInvitationEachSigned() throws Exception {
		ANSWER.set(503);
		write("three.csv", peopleCsv(3));
		Result run = cli("run", spec("three", "three.csv", 1).toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		long ann = invitation("p1@example.org");
		long bob = invitation("p2@example.org");
		assertThat(cli("cancel", "--invitation", String.valueOf(ann), "--reason", "left").exitCode()).isZero();
		String bobsToken = received().stream()
			.filter(m -> Mails.to(m).equals("p2@example.org"))
			.map(Mails::token)
			.findFirst()
			.orElseThrow();
		assertThat(redeemer.redeem(bobsToken, "test").status()).isEqualTo(Redemption.Status.ACCEPTED);
		// Down for a while: Ann's first event is refused twice before the receiver comes
		// back.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> RECEIVED.stream().filter(r -> r.invitation() == ann).count() >= 2);
		ANSWER.set(204);

		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'DELIVERED'") == 5);
		List<Received> delivered = RECEIVED.stream().filter(r -> r.answered() == 204).toList();
		assertThat(delivered)
			.extracting(r -> r.type() + " " + r.json().get("data").get("person").get("email").asString())
			.containsExactlyInAnyOrder("invitation.sent p1@example.org", "invitation.sent p2@example.org",
					"invitation.sent p3@example.org", "invitation.cancelled p1@example.org",
					"invitation.accepted p2@example.org");
		assertThat(delivered).extracting(Received::id).doesNotHaveDuplicates();
		// In order per invitation: a later event is not even tried before the earlier one
		// is delivered.
		for (long invitation : List.of(ann, bob)) {
			List<Received> own = RECEIVED.stream().filter(r -> r.invitation() == invitation).toList();
			int sentDelivered = own.indexOf(own.stream()
				.filter(r -> r.type().equals("invitation.sent") && r.answered() == 204)
				.findFirst()
				.orElseThrow());
			assertThat(own.subList(0, sentDelivered + 1)).extracting(Received::type).containsOnly("invitation.sent");
			assertThat(own.subList(sentDelivered + 1, own.size())).extracting(Received::type)
				.containsOnly(invitation == ann ? "invitation.cancelled" : "invitation.accepted")
				.isNotEmpty();
		}
		Webhook verifier = new Webhook(SECRET);
		for (Received request : RECEIVED) {
			// The reference verifier throws on a bad signature, or a stale timestamp.
			verifier.verify(request.body(), request.headers());
			assertThat(request.body()).doesNotContain("token", "crm.example.org", "set-password");
		}
		// A retry repeats the id and the body; only the signature's timestamp changes.
		List<Received> annsFirst = RECEIVED.stream()
			.filter(r -> r.invitation() == ann && r.type().equals("invitation.sent"))
			.toList();
		assertThat(annsFirst).hasSizeGreaterThanOrEqualTo(3)
			.extracting(Received::id)
			.containsOnly(annsFirst.get(0).id());
		assertThat(annsFirst).extracting(Received::body).containsOnly(annsFirst.get(0).body());
		JsonNode sent = annsFirst.get(0).json();
		assertThat(sent.get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		assertThat(sent.get("data").get("status").asString()).isEqualTo("SENT");
		assertThat(sent.get("data").get("role").asString()).isEqualTo("volunteer");
		assertThat(sent.get("data").get("run").get("spec").asString()).isEqualTo("three");
		assertThat(sent.get("data").get("expires_at").asString()).endsWith("Z");
		assertThat(jdbc.queryForList(
				"""
						SELECT coalesce(a.http_status::text, a.error) FROM event_attempt a JOIN event_outbox e ON e.id = a.event_id
						WHERE e.invitation_id = ? AND e.type = 'invitation.sent' ORDER BY a.id
						""",
				String.class, ann))
			.startsWith("503", "503")
			.endsWith("204");
	}

	/**
	 * A hard bounce read back tells the host application once, with the invitation now
	 * BOUNCED; the same report again changes nothing and sends nothing.
	 */
	@Test
	void aHardBounceSendsItsEventOnce() throws Exception {
		write("one.csv", peopleCsv(1));
		assertThat(cli("run", spec("one", "one.csv", 1).toString()).exitCode()).isZero();
		long ann = invitation("p1@example.org");
		Bounces bounces = context.getBean(Bounces.class);
		BounceReport report = new BounceReport(BounceNotice.Kind.HARD, String.valueOf(ann), null,
				List.of("p1@example.org"), "5.1.1", "550 5.1.1 no such user", "test:1", "bounce: test");

		assertThat(bounces.apply(report)).isEqualTo(Bounces.Outcome.APPLIED);
		assertThat(bounces.apply(report)).isEqualTo(Bounces.Outcome.DUPLICATE);

		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'DELIVERED'") == 2);
		assertThat(RECEIVED).extracting(r -> r.type() + " " + r.json().get("data").get("status").asString())
			.containsExactly("invitation.sent SENT", "invitation.bounced BOUNCED");
	}

	@Test
	void noEventIsSentForAChangeThatWasRolledBack() throws Exception {
		write("one.csv", peopleCsv(1));
		assertThat(cli("run", spec("one", "one.csv").toString()).exitCode()).isZero();
		long ann = invitation("p1@example.org");
		// The cancel changes the invitation and writes its event, then adding the address
		// to the suppression list fails: the whole transaction is rolled back.
		jdbc.execute("""
				CREATE FUNCTION refuse_suppression() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN RAISE EXCEPTION 'suppression list unavailable'; END $$""");
		jdbc.execute("CREATE TRIGGER refuse_suppression BEFORE INSERT ON suppression"
				+ " FOR EACH ROW EXECUTE FUNCTION refuse_suppression()");
		Result cancel;
		try {
			cancel = cli("cancel", "--invitation", String.valueOf(ann), "--reason", "left", "--suppress");
		}
		finally {
			jdbc.execute("DROP TRIGGER refuse_suppression ON suppression");
			jdbc.execute("DROP FUNCTION refuse_suppression()");
		}

		assertThat(cancel.exitCode()).as(cancel.out()).isNotZero();
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = ?", String.class, ann))
			.isEqualTo("SENT");
		assertThat(jdbc.queryForList("SELECT type FROM event_outbox", String.class)).containsExactly("invitation.sent");
		assertThat(cli("events", "deliver").exitCode()).isZero();
		assertThat(RECEIVED).extracting(Received::type).containsOnly("invitation.sent");

		// The same cancel committed does send its event.
		assertThat(cli("cancel", "--invitation", String.valueOf(ann), "--reason", "left").exitCode()).isZero();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'DELIVERED'") == 2);
		assertThat(RECEIVED).extracting(Received::type).endsWith("invitation.cancelled");

		// Delivered events are kept for invitations.events.keep (30 days), then deleted
		// with their log.
		jdbc.update("UPDATE event_outbox SET delivered_at = now() - interval '31 days' WHERE type = 'invitation.sent'");
		assertThat(cli("events", "deliver").exitCode()).isZero();
		assertThat(jdbc.queryForList("SELECT type FROM event_outbox", String.class))
			.containsExactly("invitation.cancelled");
		assertThat(count("SELECT count(*) FROM event_attempt WHERE event_id = 1")).isZero();
	}

	@Test
	void aFailedEventHoldsBackItsInvitationUntilItIsReplayed() throws Exception {
		ANSWER.set(500);
		write("one.csv", peopleCsv(1));
		assertThat(cli("run", spec("one", "one.csv").toString()).exitCode()).isZero();
		long ann = invitation("p1@example.org");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'FAILED'") == 1);
		assertThat(cli("cancel", "--invitation", String.valueOf(ann), "--reason", "left").exitCode()).isZero();

		Result failed = cli("events", "list", "--failed");
		assertThat(failed.out()).contains("invitation.sent", "FAILED", "failed: HTTP 500")
			.doesNotContain("invitation.cancelled");
		assertThat(cli("events", "list", "--invitation", String.valueOf(ann)).out())
			.containsPattern("invitation.cancelled .* waits for event 1");
		assertThat(RECEIVED).hasSize(8).extracting(Received::type).containsOnly("invitation.sent");

		ANSWER.set(204);
		Result replay = cli("events", "replay", "--failed", "--by", "ops");
		assertThat(replay.out()).contains("replayed 1");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'DELIVERED'") == 2);
		assertThat(RECEIVED.stream().filter(r -> r.answered() == 204).map(Received::type))
			.containsExactly("invitation.sent", "invitation.cancelled");
		assertThat(cli("events", "list", "--log").out()).contains("replay asked by operator:ops");
	}

	/**
	 * The expiry job's set-based expiry and its reminders send their events; an expiry
	 * whose events cannot be written changes nothing either (no change without its
	 * event).
	 */
	@Test
	void expiryAndRemindersSendTheirEventsAndAnExpiryWithoutItsEventsIsRolledBack() throws Exception {
		write("two.csv", peopleCsv(2));
		assertThat(cli("run", spec("two", "two.csv", "token-ttl: 7d").toString()).exitCode()).isZero();
		jdbc.update(
				"UPDATE invitation SET expires_at = now() + interval '1 day' WHERE email_normalized = 'p1@example.org'");
		jdbc.update(
				"UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE email_normalized = 'p2@example.org'");
		String expiry = write("expire.yml", """
				name: nightly
				job: expire
				remind:
				  before: 2d
				  min-remaining: 1h
				""").toString();
		jdbc.execute("""
				CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$""");
		jdbc.execute("CREATE TRIGGER refuse_event BEFORE INSERT ON event_outbox FOR EACH ROW"
				+ " WHEN (NEW.type = 'invitation.expired') EXECUTE FUNCTION refuse_event()");
		Result failed;
		try {
			failed = cli("run", expiry);
		}
		finally {
			jdbc.execute("DROP TRIGGER refuse_event ON event_outbox");
			jdbc.execute("DROP FUNCTION refuse_event()");
		}
		assertThat(failed.exitCode()).as(failed.out()).isEqualTo(1);
		// Nothing recorded without its event: the job's mark went back with it.
		assertThat(count("SELECT count(*) FROM expiry_mark WHERE last_id > 0")).isZero();

		Result again = cli("run", expiry);
		assertThat(again.exitCode()).as(again.err()).isZero();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'DELIVERED'") == 4);
		Received expired = RECEIVED.stream()
			.filter(r -> r.type().equals("invitation.expired"))
			.findFirst()
			.orElseThrow();
		assertThat(expired.json().get("data").get("person").get("email").asString()).isEqualTo("p2@example.org");
		assertThat(expired.json().get("data").get("status").asString()).isEqualTo("EXPIRED");
		// Closed when it expired, not when the job recorded it.
		assertThat(expired.json().get("data").get("closed_at").asString())
			.isEqualTo(expired.json().get("data").get("expires_at").asString());
		assertThat(count("SELECT count(*) FROM expiry_mark WHERE last_id > 0")).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'EXPIRED'")).isEqualTo(1);
		Received reminded = RECEIVED.stream()
			.filter(r -> r.type().equals("invitation.reminded"))
			.findFirst()
			.orElseThrow();
		assertThat(reminded.json().get("data").get("person").get("email").asString()).isEqualTo("p1@example.org");
		assertThat(reminded.json().get("data").get("reminded_at").isNull()).isFalse();
		assertThat(RECEIVED).extracting(Received::type).filteredOn(type -> !type.equals("invitation.sent")).hasSize(2);
	}

	@Test
	void aReceiverThatSaysWhenToComeBackIsNotAskedSooner() throws Exception {
		ANSWER.set(429);
		write("one.csv", peopleCsv(1));
		assertThat(cli("run", spec("one", "one.csv").toString()).exitCode()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT count(*) FROM event_attempt") == 1);
		// Retry-After: 2, where the schedule says 200 ms.
		assertThat(jdbc.queryForObject(
				"SELECT extract(epoch FROM e.due_at - a.at) FROM event_outbox e JOIN event_attempt a ON a.event_id = e.id",
				Double.class))
			.isGreaterThan(1.5);
		ANSWER.set(204);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> count("SELECT count(*) FROM event_outbox WHERE state = 'DELIVERED'") == 1);
		assertThat(RECEIVED).extracting(Received::answered).containsExactly(429, 204);
	}

	private long invitation(String email) {
		return count("SELECT id FROM invitation WHERE email_normalized = ?", email);
	}

}
