package org.invitations;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

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

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.invitations.bounce.BounceMailbox;
import org.invitations.bounce.MailboxStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounce mailbox as {@code serve} reads it: real-format bounces (a Postfix DSN with
 * the original headers, an ARF complaint) of invitations a real run sent arrive in an
 * IMAP folder; a poll applies them once, moves them out and leaves what matches nothing
 * where it is, counted once.
 */
class BounceMailboxIT extends ConsoleTest {

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
		assertThat(jdbc.queryForObject("SELECT outcome || ' ' || reason FROM job_report_item WHERE email = ?",
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
		assertThat(get(browser, "/people?invitation=bounced").body()).contains("p2@example.org")
			.doesNotContain("p3@example.org");

		SMTP.purgeEmailFromAllMailboxes();
		Result next = cli("run", spec);
		assertThat(next.exitCode()).as(next.err()).isZero();
		assertThat(received()).isEmpty();
		assertThat(jdbc.queryForObject(
				"SELECT outcome || ' ' || reason FROM job_report_item WHERE email = ? AND job_execution_id = ?",
				String.class, "p2@example.org", Long.valueOf(lastExecution())))
			.isEqualTo("SKIPPED SUPPRESSED");
		// Resending the bounced invitation is refused while the address is suppressed.
		Result resend = cli("resend", spec, "--status", "bounced");
		assertThat(resend.out()).contains("SUPPRESSED");
		assertThat(received()).isEmpty();
	}

	private MimeMessage sentTo(String address) {
		return received().stream().filter(message -> Mails.to(message).equals(address)).findFirst().orElseThrow();
	}

	private String statusOf(String address) {
		return jdbc.queryForObject("SELECT status FROM invitation WHERE email = ?", String.class, address);
	}

	private long personOf(String address) {
		return count("SELECT id FROM person WHERE email = ?", address);
	}

	private List<String> history(String address) {
		return jdbc.queryForList(
				"SELECT e.type || ' ' || coalesce(e.detail, '') FROM invitation_history e"
						+ " JOIN invitation i ON i.id = e.invitation_id WHERE i.email = ? ORDER BY e.id",
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
