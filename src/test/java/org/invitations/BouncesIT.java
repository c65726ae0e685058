package org.invitations;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.invitations.bounce.BounceMailbox;
import org.invitations.bounce.BounceProperties;
import org.invitations.bounce.Bounces;
import org.invitations.bounce.MailboxStatus;
import org.invitations.bounce.SnsCertificates;
import org.invitations.testsupport.TestTls;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounce mailbox as {@code serve} reads it: real-format bounces (a Postfix DSN with
 * the original headers, an ARF complaint) of invitations a real run sent arrive in an
 * IMAP folder; a poll applies them once, moves them out and leaves what matches nothing
 * where it is, counted once.
 */
@ExtendWith(OutputCaptureExtension.class)
class BouncesIT extends ConsoleTest {

	static final GreenMail IMAP = startImap();

	private static GreenMail startImap() {
		GreenMail imap = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
		imap.start();
		Runtime.getRuntime().addShutdownHook(new Thread(imap::stop));
		return imap;
	}

	@DynamicPropertySource
	static void bounceMailbox(DynamicPropertyRegistry registry) {
		registry.add("invitations.bounces.imap.host", () -> "127.0.0.1");
		registry.add("invitations.bounces.imap.port", () -> IMAP.getImap().getPort());
		registry.add("invitations.bounces.imap.username", () -> "bounces");
		registry.add("invitations.bounces.imap.password", () -> "bounce-secret");
		registry.add("invitations.bounces.imap.ssl", () -> "false");
		// The test polls when it wants to; the schedule's own first poll is an hour away.
		registry.add("invitations.bounces.imap.poll-interval", () -> "1h");
		registry.add("invitations.bounces.ses.enabled", () -> "true");
		registry.add("invitations.bounces.ses.topic-arns", () -> TOPIC);
		registry.add("invitations.bounces.ses.confirm-subscriptions", () -> "false");
		registry.add("invitations.bounces.mailgun.signing-key", () -> MAILGUN_KEY);
	}

	static final String TOPIC = "arn:aws:sns:eu-west-1:123456789012:invitation-bounces";

	static final String CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem";

	static final String MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";

	/** Every certificate URL the webhook asked for. */
	static final List<String> FETCHED = new java.util.concurrent.CopyOnWriteArrayList<>();

	/**
	 * SNS's signing certificate, as the test's: the certificate {@code sns} for the SNS
	 * URL, nothing for any other.
	 */
	@TestConfiguration
	static class TestCertificates {

		@Bean
		@Primary
		SnsCertificates testSnsCertificates() {
			return url -> {
				FETCHED.add(url.toString());
				if (!url.toString().equals(CERT_URL)) {
					throw new java.io.IOException("no certificate at " + url);
				}
				return (X509Certificate) keyStore("sns").getCertificate("sns");
			};
		}

	}

	private GreenMailUser mailbox;

	@BeforeEach
	void emptyBounceMailbox() throws Exception {
		// Not reset(): that would restart the server on another port than the context's.
		IMAP.purgeEmailFromAllMailboxes();
		mailbox = IMAP.setUser("bounces@example.org", "bounces", "bounce-secret");
		ImapHostManager folders = IMAP.getManagers().getImapHostManager();
		if (folders.getFolder(mailbox, "Processed") == null) {
			folders.createMailbox(mailbox, "Processed");
		}
	}

	@Test
	void aBounceMakesTheInvitationUndeliverableAndTheNextRunSkipsItsAddress() throws Exception {
		write("people.csv", peopleCsv(3));
		String spec = spec("parish", "people.csv", "resend:", "  min-interval: 0s").toString();
		assertThat(cli("run", spec).exitCode()).isZero();
		MimeMessage toP1 = sentTo("p1@example.org");
		MimeMessage toP2 = sentTo("p2@example.org");
		MimeMessage toP3 = sentTo("p3@example.org");

		deliver(dsn(toP2, "p2@example.org", "failed", "5.1.1",
				"550 5.1.1 <p2@example.org>: Recipient address rejected: User unknown in virtual mailbox table"));
		deliver(dsn(toP3, "p3@example.org", "delayed", "4.4.1",
				"connect to mailstore.example.org: Connection timed out"));
		// p3's invitation, but another address: believed for nobody, left for an admin.
		deliver(dsn(toP3, "someone.else@example.org", "failed", "5.1.1", "550 5.1.1 User unknown"));
		deliver(complaint(toP1));

		MailboxStatus status = context.getBean(BounceMailbox.class).poll();

		assertThat(status.problem()).isNull();
		assertThat(status.unmatched()).isEqualTo(1);
		assertThat(statusOf("p2@example.org")).isEqualTo("BOUNCED");
		assertThat(statusOf("p1@example.org")).isEqualTo("SENT");
		assertThat(statusOf("p3@example.org")).isEqualTo("SENT");
		assertThat(jdbc.queryForList(
				"SELECT email || ' ' || reason || ' ' || source || ' ' || suppressed_by FROM suppression ORDER BY email",
				String.class))
			.containsExactly(
					"p1@example.org COMPLAINT complaint: ARF report from abuse-reports@feedback.example.net bounces",
					"p2@example.org HARD_BOUNCE bounce: DSN from MAILER-DAEMON@mx.example.org bounces");
		assertThat(history("p2@example.org")).contains("BOUNCED undeliverable: address does not exist (5.1.1: 550 5.1.1"
				+ " <p2@example.org>: Recipient address rejected: User unknown in virtual mailbox table);"
				+ " its link no longer works; the address is suppressed");
		assertThat(history("p1@example.org")).anyMatch(entry -> entry.startsWith("COMPLAINED reported as spam"));
		assertThat(history("p3@example.org")).anyMatch(entry -> entry.startsWith("SOFT_BOUNCED"));
		assertThat(count("SELECT count(*) FROM bounce_notice WHERE kind = 'SOFT'")).isOne();
		assertThat(jdbc.queryForObject("SELECT outcome || ' ' || reason FROM job_report_row WHERE email = ?",
				String.class, "p2@example.org"))
			.isEqualTo("FAILED BOUNCED");
		// The bounced link no longer opens.
		Result redeem = cli("redeem", Mails.token(toP2));
		assertThat(redeem.exitCode()).isNotZero();
		assertThat(history("p2@example.org")).anyMatch(entry -> entry.startsWith("REDEEM_REFUSED bounced"));

		// Applied ones moved to Processed; the unmatched one stays, unread, and is
		// counted once.
		assertThat(folder("INBOX")).hasSize(1);
		assertThat(folder("Processed")).hasSize(3);
		assertThat(unmatchedCounted()).isEqualTo(1.0);
		deliver(dsn(toP2, "p2@example.org", "failed", "5.1.1",
				"550 5.1.1 <p2@example.org>: Recipient address rejected:" + " User unknown in virtual mailbox table"));
		long events = count("SELECT count(*) FROM invitation_event");
		status = context.getBean(BounceMailbox.class).poll();
		assertThat(status.unmatched()).isEqualTo(1);
		assertThat(unmatchedCounted()).isEqualTo(1.0);
		assertThat(count("SELECT count(*) FROM invitation_event")).as("the same DSN again changes nothing")
			.isEqualTo(events);
		assertThat(count("SELECT count(*) FROM bounce_notice")).isEqualTo(3);
		assertThat(folder("INBOX")).hasSize(1);

		// The person's page says why, with the soft bounce.
		addUser("vera", "viewer");
		var browser = signedIn("vera");
		String p2Page = get(browser, "/people/" + personOf("p2@example.org")).body();
		assertThat(p2Page).contains("Undeliverable", "address does not exist (5.1.1");
		assertThat(get(browser, "/people/" + personOf("p3@example.org")).body()).contains("1 soft bounce");
		assertThat(get(browser, "/suppressions").body()).contains("1 message matches", "no invitation and was left in",
				"127.0.0.1:" + IMAP.getImap().getPort() + "/INBOX");
		assertThat(get(browser, "/invitations?status=BOUNCED").body()).contains("p2@example.org", "Undeliverable")
			.doesNotContain("p3@example.org");
		assertThat(get(browser, "/people?invitation=bounced").body()).contains("p2@example.org")
			.doesNotContain("p3@example.org");

		SMTP.purgeEmailFromAllMailboxes();
		Result next = cli("run", spec);
		assertThat(next.exitCode()).as(next.err()).isZero();
		assertThat(received()).isEmpty();
		assertThat(jdbc.queryForObject(
				"SELECT outcome || ' ' || reason FROM job_report_row WHERE email = ? AND job_execution_id = ?",
				String.class, "p2@example.org", Long.valueOf(lastExecution())))
			.isEqualTo("SKIPPED SUPPRESSED");
		// Resending the bounced invitation is refused while the address is suppressed.
		Result resend = cli("resend", spec, "--status", "bounced");
		assertThat(resend.out()).contains("SUPPRESSED");
		assertThat(received()).isEmpty();
	}

	@Test
	void amazonSesNotificationsAreBelievedOnlyWithAValidSnsSignature(CapturedOutput output) throws Exception {
		write("people.csv", peopleCsv(3));
		assertThat(cli("run", spec("club", "people.csv").toString()).exitCode()).isZero();
		MimeMessage toP1 = sentTo("p1@example.org");
		MimeMessage toP2 = sentTo("p2@example.org");
		FETCHED.clear();

		HttpResponse<String> bounced = hook("/hooks/ses", sns(ses("ses-bounce.json", toP1), "sns", CERT_URL, TOPIC));
		assertThat(bounced.statusCode()).as(bounced.body()).isEqualTo(200);
		assertThat(statusOf("p1@example.org")).isEqualTo("BOUNCED");
		assertThat(
				jdbc.queryForObject("SELECT reason || ' ' || source || ' ' || detail FROM suppression", String.class))
			.isEqualTo(
					"HARD_BOUNCE bounce: Amazon SES address does not exist (5.1.1: 550 5.1.1 <p1@example.org>... User)");
		// SNS delivers at least once: the same notification again changes nothing.
		long events = count("SELECT count(*) FROM invitation_event");
		assertThat(hook("/hooks/ses", sns(ses("ses-bounce.json", toP1), "sns", CERT_URL, TOPIC)).statusCode())
			.isEqualTo(200);
		assertThat(count("SELECT count(*) FROM invitation_event")).isEqualTo(events);

		// Forged: signed with another key; a certificate elsewhere; plain HTTP; another
		// topic.
		String p2Bounce = ses("ses-bounce.json", toP2);
		assertThat(hook("/hooks/ses", sns(p2Bounce, "forger", CERT_URL, TOPIC)).statusCode()).isEqualTo(403);
		for (String foreign : List.of("https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem",
				"http://sns.eu-west-1.amazonaws.com/cert.pem",
				"https://attacker.example/sns.eu-west-1.amazonaws.com.pem")) {
			assertThat(hook("/hooks/ses", sns(p2Bounce, "sns", foreign, TOPIC)).statusCode()).isEqualTo(403);
		}
		assertThat(hook("/hooks/ses", sns(p2Bounce, "sns", CERT_URL, TOPIC + "-other")).statusCode()).isEqualTo(403);
		assertThat(hook("/hooks/ses", "{\"Type\": \"Notification\"}").statusCode()).isEqualTo(400);
		assertThat(FETCHED).as("only the SNS host's certificate is ever fetched").containsOnly(CERT_URL);
		assertThat(statusOf("p2@example.org")).isEqualTo("SENT");
		assertThat(count("SELECT count(*) FROM suppression")).isOne();

		// A subscription is confirmed by SNS's own URL only (here logged for an admin: no
		// request leaves the test).
		HttpResponse<String> subscribing = hook("/hooks/ses",
				subscription("https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC
						+ "&Token=2336412f"));
		assertThat(subscribing.statusCode()).as(subscribing.body()).isEqualTo(200);
		assertThat(output.getAll()).contains("Subscription to " + TOPIC
				+ " awaits confirmation: open https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription");
		assertThat(
				hook("/hooks/ses", subscription("https://attacker.example/?Action=ConfirmSubscription")).statusCode())
			.isEqualTo(403);

		HttpResponse<String> complained = hook("/hooks/ses",
				sns(ses("ses-complaint.json", toP2), "sns", CERT_URL, TOPIC));
		assertThat(complained.statusCode()).as(complained.body()).isEqualTo(200);
		assertThat(statusOf("p2@example.org")).isEqualTo("SENT");
		assertThat(jdbc.queryForObject("SELECT reason || ' ' || source FROM suppression WHERE email = 'p2@example.org'",
				String.class))
			.isEqualTo("COMPLAINT complaint: Amazon SES");
	}

	@Test
	void mailgunWebhooksAreBelievedOnlyWhenSignedAndRecent() throws Exception {
		write("people.csv", peopleCsv(3));
		assertThat(cli("run", spec("club", "people.csv").toString()).exitCode()).isZero();
		MimeMessage toP1 = sentTo("p1@example.org");
		MimeMessage toP2 = sentTo("p2@example.org");
		MimeMessage toP3 = sentTo("p3@example.org");
		long now = Instant.now().getEpochSecond();

		HttpResponse<String> failed = hook("/hooks/mailgun", mailgun(toP1, "failed", "permanent", now, MAILGUN_KEY));
		assertThat(failed.statusCode()).as(failed.body()).isEqualTo(200);
		assertThat(statusOf("p1@example.org")).isEqualTo("BOUNCED");
		assertThat(jdbc.queryForObject("SELECT source || ' ' || detail FROM suppression", String.class))
			.isEqualTo("bounce: Mailgun refused for good by the recipient's server"
					+ " (550 5.1.1 The email account that you tried to reach does not exist.)");

		assertThat(
				hook("/hooks/mailgun", mailgun(toP2, "failed", "permanent", now, "key-of-someone-else")).statusCode())
			.isEqualTo(403);
		assertThat(hook("/hooks/mailgun", mailgun(toP2, "failed", "permanent", now - 3600, MAILGUN_KEY)).statusCode())
			.as("a signed request replayed an hour later")
			.isEqualTo(403);
		assertThat(statusOf("p2@example.org")).isEqualTo("SENT");

		assertThat(hook("/hooks/mailgun", mailgun(toP2, "failed", "temporary", now, MAILGUN_KEY)).statusCode())
			.isEqualTo(200);
		assertThat(statusOf("p2@example.org")).isEqualTo("SENT");
		assertThat(count("SELECT count(*) FROM bounce_notice WHERE kind = 'SOFT'")).isOne();
		assertThat(hook("/hooks/mailgun", mailgun(toP3, "complained", "", now, MAILGUN_KEY)).statusCode())
			.isEqualTo(200);
		assertThat(jdbc.queryForList("SELECT email || ' ' || reason FROM suppression ORDER BY email", String.class))
			.containsExactly("p1@example.org HARD_BOUNCE", "p3@example.org COMPLAINT");
	}

	@Test
	void aMailboxThatCannotBeReachedIsNamedInOneLine(CapturedOutput output) throws Exception {
		int closed;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		BounceProperties properties = new BounceProperties(
				new BounceProperties.Imap("127.0.0.1", closed, "bounces", "secret", "INBOX", false,
						Duration.ofMinutes(5), "Processed", Duration.ofSeconds(5)),
				new BounceProperties.Ses(false, List.of(), true),
				new BounceProperties.Mailgun(null, Duration.ofMinutes(5)));
		BounceMailbox unreachable = new BounceMailbox(properties, context.getBean(Bounces.class),
				context.getBeanProvider(MeterRegistry.class));

		MailboxStatus status = unreachable.poll();

		assertThat(status.problem()).isEqualTo("Connection refused");
		assertThat(status.lastRead()).isNull();
		assertThat(output.getAll())
			.contains("Bounce mailbox 127.0.0.1:" + closed
					+ "/INBOX could not be read: Connection refused; trying again in PT5M")
			.doesNotContain("\tat org.eclipse");
	}

	private HttpResponse<String> hook(String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "text/plain; charset=UTF-8")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** AWS's sample SES notification, about the message. */
	private static String ses(String template, MimeMessage message) throws Exception {
		return fill(template, Map.of("RECIPIENT", Mails.to(message), "MESSAGE_ID", message.getMessageID(),
				"INVITATION_ID", message.getHeader("X-Invitation-Id", null)));
	}

	/**
	 * An SNS notification of the message, signed (version 2) with the key of
	 * {@code signer}.
	 */
	private static String sns(String message, String signer, String certUrl, String topic) throws Exception {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("Message", message);
		fields.put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
		fields.put("Subject", "Amazon SES Email Event Notification");
		fields.put("Timestamp", "2026-12-06T03:00:00.000Z");
		fields.put("TopicArn", topic);
		fields.put("Type", "Notification");
		return signed(fields, signer, certUrl);
	}

	/** SNS's request to confirm the topic's subscription, signed by SNS's key. */
	private static String subscription(String subscribeUrl) throws Exception {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("Message", "You have chosen to subscribe to the topic " + TOPIC
				+ ".\nTo confirm the subscription, visit the SubscribeURL included in this message.");
		fields.put("MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b");
		fields.put("SubscribeURL", subscribeUrl);
		fields.put("Timestamp", "2026-12-06T03:00:00.000Z");
		fields.put("Token",
				"2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e2");
		fields.put("TopicArn", TOPIC);
		fields.put("Type", "SubscriptionConfirmation");
		return signed(fields, "sns", CERT_URL);
	}

	/** The fields, in SNS's canonical order, with their signature (version 2). */
	private static String signed(Map<String, String> fields, String signer, String certUrl) throws Exception {
		StringBuilder canonical = new StringBuilder();
		fields.forEach((name, value) -> canonical.append(name).append('\n').append(value).append('\n'));
		KeyStore keys = keyStore(signer);
		Signature signature = Signature.getInstance("SHA256withRSA");
		signature.initSign((PrivateKey) keys.getKey(signer, TestTls.PASSWORD.toCharArray()));
		signature.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
		ObjectNode envelope = JsonMapper.builder().build().createObjectNode();
		fields.forEach(envelope::put);
		envelope.put("SignatureVersion", "2");
		envelope.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
		envelope.put("SigningCertURL", certUrl);
		envelope.put("UnsubscribeURL",
				"https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + fields.get("TopicArn"));
		return envelope.toString();
	}

	/**
	 * Mailgun's documented sample of the event, signed with {@code key} at
	 * {@code timestamp}.
	 */
	private static String mailgun(MimeMessage message, String event, String severity, long timestamp, String key)
			throws Exception {
		String token = HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(25));
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		String signature = HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
		return fill("mailgun-failed.json",
				Map.of("TIMESTAMP", Long.toString(timestamp), "TOKEN", token, "SIGNATURE", signature, "EVENT", event,
						"SEVERITY", severity, "RECIPIENT", Mails.to(message), "MESSAGE_ID",
						message.getMessageID().replaceAll("^<|>$", "")));
	}

	/**
	 * RSA keys and self-signed certificates, as SNS signs with: made once per test JVM.
	 */
	private static final Map<String, KeyStore> KEYS = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * The key store {@code name} ({@code sns}: the signing certificate served for
	 * {@link #CERT_URL}; {@code forger}: a key SNS never had), made with keytool.
	 */
	static KeyStore keyStore(String name) {
		return KEYS.computeIfAbsent(name, alias -> {
			try {
				Path file = Files.createTempDirectory("sns-keys").resolve(alias + ".p12");
				Process keytool = new ProcessBuilder(
						Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias",
						alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=sns.amazonaws.com",
						"-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", TestTls.PASSWORD)
					.redirectErrorStream(true)
					.start();
				String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				if (keytool.waitFor() != 0) {
					throw new IllegalStateException("keytool: " + said);
				}
				KeyStore keys = KeyStore.getInstance("PKCS12");
				try (var in = Files.newInputStream(file)) {
					keys.load(in, TestTls.PASSWORD.toCharArray());
				}
				return keys;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private MimeMessage sentTo(String address) {
		return received().stream().filter(message -> Mails.to(message).equals(address)).findFirst().orElseThrow();
	}

	private String statusOf(String address) {
		return jdbc.queryForObject("SELECT status FROM invitation WHERE email_normalized = ?", String.class, address);
	}

	private long personOf(String address) {
		return count("SELECT id FROM person WHERE email = ?", address);
	}

	private List<String> history(String address) {
		return jdbc.queryForList("SELECT e.type || ' ' || coalesce(e.detail, '') FROM invitation_history e"
				+ " JOIN invitation i ON i.id = e.invitation_id WHERE coalesce(i.email, i.email_normalized) = ? ORDER BY e.id",
				String.class, address);
	}

	private double unmatchedCounted() {
		return context.getBean(MeterRegistry.class).counter("invitations.bounces.mailbox.unmatched").count();
	}

	private List<?> folder(String name) throws Exception {
		MailFolder folder = IMAP.getManagers().getImapHostManager().getFolder(mailbox, name);
		return folder.getMessages()
			.stream()
			.filter(m -> !m.getFlags().contains(jakarta.mail.Flags.Flag.DELETED))
			.toList();
	}

	private void deliver(String text) throws Exception {
		String crlf = text.replace("\r\n", "\n").replace("\n", "\r\n");
		mailbox.deliver(new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(crlf.getBytes(StandardCharsets.UTF_8))));
	}

	/** A Postfix bounce of the message, its original headers returned. */
	static String dsn(MimeMessage original, String recipient, String action, String status, String diagnostic)
			throws Exception {
		return fill("postfix-dsn.eml", Map.of("RECIPIENT", recipient, "ACTION", action, "STATUS", status, "DIAGNOSTIC",
				diagnostic, "ORIGINAL_HEADERS", headers(original)));
	}

	/**
	 * An ARF abuse report with the whole message, the recipient left out of the report as
	 * providers do.
	 */
	static String complaint(MimeMessage original) throws Exception {
		java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
		original.writeTo(bytes);
		return fill("arf-complaint.eml",
				Map.of("ORIGINAL_MESSAGE", bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n")));
	}

	private static String headers(MimeMessage message) throws Exception {
		return String.join("\n", Collections.list(message.getAllHeaderLines())).replace("\r\n", "\n") + "\n";
	}

	private static String fill(String template, Map<String, String> values) throws Exception {
		String text = Files.readString(Path.of("src/test/resources/bounces", template));
		for (Map.Entry<String, String> value : values.entrySet()) {
			text = text.replace("${" + value.getKey() + "}", value.getValue());
		}
		return text;
	}

}
