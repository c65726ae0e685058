package org.invitations;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An invitation goes to the address it was queued for, or to no one: every message's
 * envelope recipient and To header are its report row's address, a person named twice in
 * one file is invited once, and an address that changed before sending is skipped.
 */
class RecipientIT extends IntegrationTest {

	@Test
	void aSharedExternalIdInOneChunkInvitesTheFirstRowOnly() throws Exception {
		write("one.csv", String.join("\n", "email,first_name,last_name,external_id", "ann@example.org,Ann,Archer,E-1",
				"bob@example.org,Bob,Brown,E-1", "cat@example.org,Cat,Cole,E-2"));

		Result run = cli("run", spec("one", "one.csv", 10).toString());

		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		assertThat(outcomes()).containsExactly("2 ann@example.org SENT ",
				"3 bob@example.org REJECTED DUPLICATE_IN_FILE same external id as line 2", "4 cat@example.org SENT ");
		assertEveryMessageWentToItsReportRowsAddress();
		assertThat(
				jdbc.queryForList("SELECT email_normalized || ' ' || external_id FROM person ORDER BY 1", String.class))
			.containsExactly("ann@example.org E-1", "cat@example.org E-2");
	}

	@Test
	void aSharedExternalIdAcrossChunksInvitesTheFirstRowOnly() throws Exception {
		write("two.csv",
				String.join("\n", "email,first_name,last_name,external_id", "ann@example.org,Ann,Archer,E-1",
						"cat@example.org,Cat,Cole,E-2", "bob@example.org,Bob,Brown,E-1", "dan@example.org,Dan,Dale,E-3",
						"ANN@example.org,Ann,Again,E-4"));

		Result run = cli("run", spec("two", "two.csv", 2).toString());

		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		assertThat(count(
				"SELECT write_count FROM batch_step_execution WHERE step_name = 'select' ORDER BY step_execution_id LIMIT 1"))
			.isEqualTo(5);
		assertThat(count("SELECT commit_count FROM batch_step_execution WHERE step_name = 'select'")).isEqualTo(3);
		assertThat(outcomes()).containsExactly("2 ann@example.org SENT ", "3 cat@example.org SENT ",
				"4 bob@example.org REJECTED DUPLICATE_IN_FILE same external id as line 2", "5 dan@example.org SENT ",
				"6 ANN@example.org REJECTED DUPLICATE_IN_FILE same address as line 2");
		assertEveryMessageWentToItsReportRowsAddress();
		assertThat(
				jdbc.queryForList("SELECT email_normalized || ' ' || external_id FROM person ORDER BY 1", String.class))
			.containsExactly("ann@example.org E-1", "cat@example.org E-2", "dan@example.org E-3");
	}

	@Test
	void rowsThatNameAStoredPersonTwiceOrTwoStoredPeopleAtOnceAreRejected() throws Exception {
		jdbc.update(
				"INSERT INTO person (email, email_normalized, external_id) VALUES ('pat@example.org', 'pat@example.org', 'P-1')");
		jdbc.update("INSERT INTO person (email, email_normalized) VALUES ('quinn@example.org', 'quinn@example.org')");
		jdbc.update(
				"INSERT INTO person (email, email_normalized, external_id) VALUES ('ray@example.org', 'ray@example.org', 'R-1')");
		jdbc.update(
				"INSERT INTO person (email, email_normalized, external_id) VALUES ('sue@example.org', 'sue@example.org', 'S-1')");
		write("stored.csv",
				String.join("\n", "email,first_name,last_name,external_id", "quinn@example.org,Quinn,Quill,P-1", // P-1
																													// is
																													// pat's,
																													// the
																													// address
																													// quinn's
						"ray@example.org,Ray,Reed,R-2", // the address is the person with
														// R-1's
						"sue@example.org,Sue,Stone,", // sue, by address
						"tom@example.org,Tom,Todd,S-1", // sue again, by external id
														// (another chunk)
						"pat.new@example.org,Pat,Park,P-1")); // pat, moving to a new
																// address

		Result run = cli("run", spec("stored", "stored.csv", 3).toString());

		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		assertThat(outcomes()).containsExactly(
				"2 quinn@example.org REJECTED EXTERNAL_ID_CONFLICT external id P-1 belongs to pat@example.org, the address to another person",
				"3 ray@example.org REJECTED EXTERNAL_ID_CONFLICT the address belongs to the person with external id R-1",
				"4 sue@example.org SENT ", "5 tom@example.org REJECTED DUPLICATE_IN_FILE same external id as line 4",
				"6 pat.new@example.org SENT ");
		assertEveryMessageWentToItsReportRowsAddress();
		assertThat(jdbc.queryForList(
				"SELECT email_normalized || ' ' || coalesce(external_id, '-') FROM person ORDER BY 1", String.class))
			.containsExactly("pat.new@example.org P-1", "quinn@example.org -", "ray@example.org R-1",
					"sue@example.org S-1");
	}

	@Test
	void anAddressChangedBeforeSendingIsSkippedAndNobodyIsMailed() throws Exception {
		write("first.csv",
				"email,first_name,last_name,external_id\nann@example.org,Ann,Archer,E-1\nbob@example.org,Bob,Brown,E-2\n");
		String first = spec("first", "first.csv").toString();
		SMTP_PATH.failAfterMessages(0);
		Result failed = cli("run", first);
		assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isEqualTo(2);
		// Another import moves E-1 to a new address while the first run's invitation
		// still waits.
		write("move.csv", "email,first_name,last_name,external_id\nann.new@example.org,Ann,Archer,E-1\n");
		Result move = cli("run", spec("move", "move.csv").toString());
		assertThat(move.out()).contains("ALREADY_INVITED 1");
		SMTP_PATH.restore();

		Result restarted = cli("run", first);

		assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
		assertThat(restarted.out()).contains("ADDRESS_CHANGED 1");
		assertThat(jdbc.queryForList("""
				SELECT r.email || ' ' || r.outcome || ' ' || coalesce(r.reason, '') FROM job_report_row r
				JOIN invitation i ON i.id = r.invitation_id WHERE i.spec_name = 'first' ORDER BY r.source_line""",
				String.class))
			.containsExactly("ann@example.org SKIPPED ADDRESS_CHANGED", "bob@example.org SENT ");
		assertThat(byEnvelopeRecipient()).containsOnlyKeys("bob@example.org");
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE email_normalized = 'ann@example.org'",
				String.class))
			.isEqualTo("SKIPPED");
		// The person is free to be invited at the new address.
		SMTP.purgeEmailFromAllMailboxes();
		Result again = cli("run", spec("again", "move.csv").toString());
		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(byEnvelopeRecipient()).containsOnlyKeys("ann.new@example.org");
	}

	@Test
	void anAddressIsSentAsWrittenAndStoredOnceWhenWrittenAsNormalised() throws Exception {
		write("case.csv", "email,first_name,last_name\nAnn.Archer@Example.org,Ann,Archer\nbob@example.org,Bob,Brown\n");
		Result run = cli("run", spec("case", "case.csv").toString());
		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();

		Map<String, List<MimeMessage>> received = byEnvelopeRecipient();
		assertThat(Mails.to(received.get("ann.archer@example.org").get(0))).isEqualTo("Ann.Archer@Example.org");
		assertThat(Mails.to(received.get("bob@example.org").get(0))).isEqualTo("bob@example.org");
		// Stored as written only where it differs from the normalised form (V49, V51);
		// read as written everywhere.
		assertThat(jdbc.queryForList(
				"""
								SELECT i.email_normalized || ' ' || coalesce(i.email, '-') || ' ' || coalesce(r.email, '-') || ' ' || v.email
								FROM invitation i JOIN job_report_item r ON r.invitation_id = i.id
								JOIN job_report_row v ON v.job_instance_id = r.job_instance_id AND v.item_number = r.item_number
						ORDER BY i.email_normalized""",
				String.class))
			.containsExactly(
					"ann.archer@example.org Ann.Archer@Example.org Ann.Archer@Example.org Ann.Archer@Example.org",
					"bob@example.org - - bob@example.org");
		assertEveryMessageWentToItsReportRowsAddress();
	}

	/**
	 * Each line's outcome: line, address as in the file, outcome, reason, detail (detail
	 * only for rejections).
	 */
	private List<String> outcomes() {
		return jdbc.queryForList("""
				SELECT source_line || ' ' || email || ' ' || outcome || ' ' || coalesce(reason, '')
				       || CASE WHEN outcome = 'REJECTED' THEN ' ' || detail ELSE '' END
				FROM job_report_row ORDER BY source_line""", String.class);
	}

	/**
	 * The SMTP envelope (RCPT TO, the mailbox GreenMail delivered to), the To header and
	 * the report agree.
	 */
	private void assertEveryMessageWentToItsReportRowsAddress() throws Exception {
		Map<String, List<MimeMessage>> received = byEnvelopeRecipient();
		Map<String, String> sentRows = new TreeMap<>();
		jdbc.query("""
				SELECT r.email_normalized, i.id FROM job_report_row r JOIN invitation i ON i.id = r.invitation_id
				WHERE r.outcome = 'SENT'""", rs -> {
			sentRows.put(rs.getString(1), rs.getString(2));
		});
		assertThat(received.keySet()).containsExactlyInAnyOrderElementsOf(sentRows.keySet());
		for (Map.Entry<String, List<MimeMessage>> entry : received.entrySet()) {
			assertThat(entry.getValue()).singleElement().satisfies(message -> {
				assertThat(Mails.to(message)).isEqualToIgnoringCase(entry.getKey());
				assertThat(message.getHeader("X-Invitation-Id", null)).isEqualTo(sentRows.get(entry.getKey()));
			});
		}
		assertThat(count(
				"SELECT count(*) FROM invitation i JOIN person p ON p.id = i.person_id WHERE i.email_normalized <> p.email_normalized"))
			.isZero();
	}

	private Map<String, List<MimeMessage>> byEnvelopeRecipient() {
		Map<String, List<MimeMessage>> byRecipient = new TreeMap<>();
		for (GreenMailUser user : SMTP.getUserManager().listUser()) {
			List<MimeMessage> messages = SMTP.findReceivedMessages(u -> u == user, m -> true).toList();
			if (!messages.isEmpty()) {
				byRecipient.put(user.getEmail().toLowerCase(java.util.Locale.ROOT), messages);
			}
		}
		return byRecipient;
	}

}
