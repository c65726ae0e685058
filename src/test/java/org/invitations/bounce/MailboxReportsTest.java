package org.invitations.bounce;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.invitations.invitation.BounceNotice;

import static org.assertj.core.api.Assertions.assertThat;

/** Reports read from real-format messages: what kind, about whom, which invitation. */
class MailboxReportsTest {

	private static final String ORIGINAL = """
			Date: Sun, 6 Dec 2026 02:29:58 +0000
			From: Example Parish <no-reply@example.org>
			To: Anna Smith <anna@example.org>
			Message-ID: <invitation.42.6f1c2b9e-1d2a-4a57-9d1e-0c2f5a7e9b11@example.org>
			Subject: Your invitation
			X-Invitation-Id: 42
			MIME-Version: 1.0
			Content-Type: multipart/alternative; boundary="----=_Part_0"

			------=_Part_0
			Content-Type: text/plain; charset=UTF-8

			Hello Anna
			------=_Part_0--
			""";

	@Test
	void aPostfixBounceIsHardForTheFailedRecipient() throws Exception {
		String dsn = template("postfix-dsn.eml").replace("${RECIPIENT}", "anna@example.org")
			.replace("${ACTION}", "failed")
			.replace("${STATUS}", "5.1.1")
			.replace("${DIAGNOSTIC}", "550 5.1.1 <anna@example.org>: Recipient address rejected: User unknown")
			.replace("${ORIGINAL_HEADERS}", ORIGINAL.substring(0, ORIGINAL.indexOf("\n\n") + 1));
		List<BounceReport> reports = MailboxReports.read(message(dsn));
		assertThat(reports).singleElement().satisfies(report -> {
			assertThat(report.kind()).isEqualTo(BounceNotice.Kind.HARD);
			assertThat(report.invitationHeader()).isEqualTo("42");
			assertThat(report.recipients()).containsExactly("anna@example.org", "anna@example.org");
			assertThat(report.status()).isEqualTo("5.1.1");
			assertThat(report.detail()).isEqualTo("address does not exist (5.1.1: 550 5.1.1 <anna@example.org>:"
					+ " Recipient address rejected: User unknown)");
			assertThat(report.key())
				.isEqualTo("dsn:<20261206023001.4F2A1C0123@mx.example.org>:anna@example.org,anna@example.org");
			assertThat(report.source()).isEqualTo("bounce: DSN from MAILER-DAEMON@mx.example.org");
			assertThat(Bounces.invitationId(report)).isEqualTo(42L);
		});
	}

	@Test
	void aDelayIsSoftAndASuccessIsNoReport() throws Exception {
		String delayed = template("postfix-dsn.eml").replace("${RECIPIENT}", "anna@example.org")
			.replace("${ACTION}", "delayed")
			.replace("${STATUS}", "4.4.1")
			.replace("${DIAGNOSTIC}", "connect to mx: Connection timed out")
			.replace("${ORIGINAL_HEADERS}", ORIGINAL.substring(0, ORIGINAL.indexOf("\n\n") + 1));
		assertThat(MailboxReports.read(message(delayed))).extracting(BounceReport::kind)
			.containsExactly(BounceNotice.Kind.SOFT);
		assertThat(MailboxReports.read(message(
				delayed.replace("Action: delayed", "Action: delivered").replace("Status: 4.4.1", "Status: 2.0.0"))))
			.isEmpty();
	}

	@Test
	void anArfReportIsAComplaintAboutTheOriginalsRecipient() throws Exception {
		String arf = template("arf-complaint.eml").replace("${ORIGINAL_MESSAGE}", ORIGINAL);
		assertThat(MailboxReports.read(message(arf))).singleElement().satisfies(report -> {
			assertThat(report.kind()).isEqualTo(BounceNotice.Kind.COMPLAINT);
			assertThat(report.invitationHeader()).isEqualTo("42");
			assertThat(report.recipients()).containsExactly("anna@example.org");
			assertThat(report.detail()).isEqualTo("reported as abuse by SomeGenerator/1.0");
		});
	}

	@Test
	void aMessageIdAloneNamesTheInvitation() {
		BounceReport report = new BounceReport(BounceNotice.Kind.HARD, null,
				"<invitation.7.6f1c2b9e-1d2a-4a57-9d1e-0c2f5a7e9b11@example.org>", List.of(), null, "", "k", "s");
		assertThat(Bounces.invitationId(report)).isEqualTo(7L);
		assertThat(Bounces.invitationId(new BounceReport(BounceNotice.Kind.HARD, null, "<12345@elsewhere.example>",
				List.of(), null, "", "k", "s")))
			.isNull();
	}

	private static String template(String name) throws Exception {
		return Files.readString(Path.of("src/test/resources/bounces", name));
	}

	private static MimeMessage message(String text) throws Exception {
		return new MimeMessage(Session.getInstance(new Properties()),
				new ByteArrayInputStream(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
	}

}
