package org.invitations;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suppression list: an address an admin asked to leave alone is skipped by every
 * later run, dry run, resend, reminder and delivery, until the entry is lifted.
 */
class SuppressionIT extends IntegrationTest {

	private static final String TODAY = LocalDate.now(ZoneOffset.UTC).toString();

	@Test
	void aCancelThatSuppressesKeepsTheAddressOutOfLaterRunsUntilItIsLifted() throws Exception {
		write("people.csv", "email,first_name,last_name\nann@example.org,Ann,Archer\nBob@Example.org,Bob,Brown\n");
		String spec = spec("parish", "people.csv").toString();
		assertThat(cli("run", spec).exitCode()).isZero();
		assertThat(received()).hasSize(2);
		SMTP.purgeEmailFromAllMailboxes();

		Result suppressing = cli("cancel", "--invitation", invitationOf("bob@example.org"), "--reason",
				"Left the parish", "--by", "admin-ann", "--suppress");
		assertThat(suppressing.exitCode()).as(suppressing.err()).isZero();
		assertThat(suppressing.out()).isEqualTo("1 invitation cancelled; 1 address suppressed\n");
		// A cancel alone closes the invitation and nothing more: the next run invites Ann
		// again.
		assertThat(cli("cancel", "--invitation", invitationOf("ann@example.org"), "--reason", "wrong group").out())
			.isEqualTo("1 invitation cancelled\n");
		assertThat(jdbc.queryForList("SELECT source || ' ' || suppressed_by || ' ' || detail FROM suppression",
				String.class))
			.containsExactly(
					"cancel of invitation " + invitationOf("bob@example.org") + " operator:admin-ann Left the parish");

		Result dry = cli("run", spec, "--dry-run");
		assertThat(dry.exitCode()).as(dry.err()).isZero();
		assertThat(dry.out()).containsPattern("WOULD_SEND\\s+1\\s").containsPattern("SKIPPED\\s+1\\s+SUPPRESSED 1");

		Result again = cli("run", spec);
		assertThat(again.exitCode()).as(again.err()).isZero();
		assertThat(again.out()).containsPattern("SENT\\s+1\\s").containsPattern("SKIPPED\\s+1\\s+SUPPRESSED 1");
		assertThat(received()).extracting(Mails::to).containsExactly("ann@example.org");
		assertThat(count("SELECT count(*) FROM invitation WHERE email_normalized = 'bob@example.org'")).isOne();
		Result report = cli("report", lastExecution());
		assertThat(report.out())
			.contains("Bob@Example.org", "SUPPRESSED",
					"suppressed since " + TODAY + " by operator:admin-ann: Left the parish")
			.contains("`suppress remove EMAIL`");

		Result lift = cli("suppress", "remove", "BOB@example.org", "--by", "admin-ann");
		assertThat(lift.exitCode()).as(lift.err()).isZero();
		assertThat(lift.out()).startsWith("Bob@Example.org lifted: runs may invite it again");
		Result liftAgain = cli("suppress", "remove", "bob@example.org");
		assertThat(liftAgain.exitCode()).isEqualTo(2);
		assertThat(liftAgain.err()).isEqualTo("error: bob@example.org is not suppressed\n");
		assertThat(liftAgain.out()).isEmpty();
		assertThat(jdbc.queryForObject("SELECT lifted_by FROM suppression WHERE lifted_at IS NOT NULL", String.class))
			.isEqualTo("operator:admin-ann");

		SMTP.purgeEmailFromAllMailboxes();
		Result lifted = cli("run", spec);
		assertThat(lifted.exitCode()).as(lifted.err()).isZero();
		assertThat(lifted.out()).containsPattern("SENT\\s+1\\s").contains("ALREADY_INVITED 1");
		assertThat(received()).extracting(Mails::to).containsExactly("Bob@Example.org");
	}

	@Test
	void anAddressSuppressedBeforeItsPersonExistsIsNeverInvitedNorCountedByTheDryRun() throws Exception {
		assertThat(cli("suppress", "add", "new@example.org", "--reason", "Asked by phone").exitCode()).isZero();
		write("people.csv", peopleCsv(2) + "\nnew@example.org,New,Person\n");
		String spec = spec("fresh", "people.csv").toString();

		Result dry = cli("run", spec, "--dry-run");
		assertThat(dry.out()).containsPattern("WOULD_SEND\\s+2\\s").containsPattern("SKIPPED\\s+1\\s+SUPPRESSED 1");
		Result real = cli("run", spec);
		assertThat(real.exitCode()).as(real.err()).isZero();
		assertThat(real.out()).containsPattern("SENT\\s+2\\s").containsPattern("SKIPPED\\s+1\\s+SUPPRESSED 1");
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("p1@example.org", "p2@example.org");
		// The person is imported like any other, for later group jobs; only not invited.
		assertThat(count("SELECT count(*) FROM person WHERE email_normalized = 'new@example.org'")).isOne();
	}

	@Test
	void deliveryAsksAgainJustBeforeSending() throws Exception {
		write("people.csv", peopleCsv(3));
		String spec = spec("held", "people.csv", "max-recipients: 1").toString();
		// Held after selection: all three queued, nothing claimed or sent.
		assertThat(cli("run", spec).exitCode()).isEqualTo(2);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED'")).isEqualTo(3);

		assertThat(cli("suppress", "add", "p2@example.org", "--reason", "Moved away", "--by", "admin-ann").exitCode())
			.isZero();
		Result confirmed = cli("run", spec, "--confirm", "3");

		assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
		assertThat(confirmed.out()).containsPattern("SENT\\s+2\\s").containsPattern("SKIPPED\\s+1\\s+SUPPRESSED 1");
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("p1@example.org", "p3@example.org");
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE email_normalized = 'p2@example.org'",
				String.class))
			.isEqualTo("SKIPPED");
		assertThat(jdbc
			.queryForObject("SELECT detail FROM invitation_history e JOIN invitation i ON i.id = e.invitation_id"
					+ " WHERE i.email_normalized = 'p2@example.org' AND e.type = 'SKIPPED'", String.class))
			.isEqualTo("suppressed since " + TODAY + " by operator:admin-ann: Moved away, before sending");
	}

	@Test
	void aResendAndAReminderLeaveASuppressedAddressAlone() throws Exception {
		write("people.csv", peopleCsv(2));
		String spec = spec("club", "people.csv", "token-ttl: 7d", "resend:", "  min-interval: 0s").toString();
		assertThat(cli("run", spec).exitCode()).isZero();
		SMTP.purgeEmailFromAllMailboxes();
		assertThat(cli("suppress", "add", "p1@example.org", "--reason", "Asked by phone").exitCode()).isZero();

		Result resend = cli("resend", spec, "--status", "pending");
		assertThat(resend.exitCode()).as(resend.err()).isZero();
		assertThat(resend.out()).containsPattern("SENT\\s+1\\s").containsPattern("SKIPPED\\s+1\\s+SUPPRESSED 1");
		assertThat(received()).extracting(Mails::to).containsExactly("p2@example.org");
		SMTP.purgeEmailFromAllMailboxes();

		jdbc.update("UPDATE invitation SET expires_at = now() + interval '1 day'");
		Result reminders = cli("run", write("expire.yml", """
				name: nightly
				job: expire
				remind:
				  before: 2d
				  min-remaining: 1h
				""").toString());
		assertThat(reminders.exitCode()).as(reminders.err()).isZero();
		assertThat(reminders.out()).contains("reminders: 1 sent");
		assertThat(received()).extracting(Mails::to).containsExactly("p2@example.org");
	}

	@Test
	void theCommandLineListsAddsAndRefusesInOneLine() {
		Result empty = cli("suppress");
		assertThat(empty.exitCode()).isZero();
		assertThat(empty.out()).startsWith("ADDRESS").contains("REASON", "SINCE", "BY", "DETAIL").hasLineCount(1);

		assertThat(cli("suppress", "add", "Old@Example.org", "--reason", "Left", "--by", "ann").out())
			.isEqualTo("Old@Example.org suppressed: no run, resend or reminder sends to it until it is lifted\n");
		assertThat(cli("suppress", "add", "new@example.org", "--reason", "Asked by phone").exitCode()).isZero();
		Result twice = cli("suppress", "add", "OLD@example.org", "--reason", "Again", "--by", "bea");
		assertThat(twice.exitCode()).isZero();
		assertThat(twice.out())
			.isEqualTo("Old@Example.org is suppressed since " + TODAY + " by operator:ann: Left; nothing changed\n");

		List<String> lines = cli("suppress", "list").out().lines().toList();
		assertThat(lines).hasSize(3);
		assertThat(lines.get(1)).startsWith("new@example.org").contains("ADMIN", "Asked by phone (command line)");
		assertThat(lines.get(2)).startsWith("Old@Example.org").contains("ADMIN", TODAY, "operator:ann", "Left");
		assertThat(cli("suppress", "list", "--limit", "1").out().lines()).hasSize(2);

		Result noReason = cli("suppress", "add", "x@example.org");
		assertThat(noReason.exitCode()).isEqualTo(2);
		assertThat(noReason.err()).startsWith("error: suppress add needs --reason TEXT");
		Result notAnAddress = cli("suppress", "add", "not-an-address", "--reason", "typo");
		assertThat(notAnAddress.exitCode()).isEqualTo(2);
		assertThat(notAnAddress.err()).isEqualTo(
				"error: 'not-an-address' is not an email address: it needs exactly one @ between a name and a domain\n");
		Result noAddress = cli("suppress", "remove");
		assertThat(noAddress.exitCode()).isEqualTo(2);
		assertThat(noAddress.err()).startsWith("error: suppress remove needs the EMAIL address");
		assertThat(count("SELECT count(*) FROM suppression")).isEqualTo(2);
	}

	/**
	 * An import counts every row once: added, already suppressed (before or earlier in
	 * the file) or rejected with its line and field; the export gives back what is
	 * active, and importing it again adds nothing.
	 */
	@Test
	void aCsvImportCountsEveryRowAndTheExportReadsBack() throws Exception {
		assertThat(cli("suppress", "add", "old@example.org", "--reason", "Left", "--by", "ann").exitCode()).isZero();
		StringBuilder csv = new StringBuilder("\uFEFFEmail,Reason,Detail\r\n");
		csv.append("bounced@example.org,hard_bounce,550 5.1.1 no such user\r\n");
		csv.append("OLD@example.org,,\r\n");
		csv.append("not-an-address,,\r\n");
		csv.append("spam@example.org,complaint,\"Reported as spam, twice\"\r\n");
		csv.append("odd@example.org,gone fishing,\r\n");
		csv.append("\r\n");
		csv.append("bounced@example.org,,again in the same file\r\n");
		for (int i = 0; i < 1500; i++) {
			csv.append("p").append(i).append("@example.org\r\n");
		}
		write("list.csv", csv.toString());

		Result imported = cli("suppress", "import", dir.resolve("list.csv").toString(), "--reason", "From the old CRM",
				"--by", "bea");

		assertThat(imported.exitCode()).as(imported.err()).isEqualTo(2);
		assertThat(imported.out().lines().toList()).containsExactly(
				dir.resolve("list.csv") + ": 1502 added, 2 already suppressed, 2 rejected",
				"rejected: " + dir.resolve("list.csv")
						+ " line 4, field email: 'not-an-address' is not an email address: it needs exactly one @"
						+ " between a name and a domain",
				"rejected: " + dir.resolve("list.csv")
						+ " line 6, field reason: 'gone fishing' is none of ADMIN, HARD_BOUNCE, COMPLAINT");
		assertThat(jdbc.queryForList("SELECT reason || ' ' || detail || ' ' || suppressed_by FROM suppression"
				+ " WHERE email_normalized IN ('bounced@example.org', 'spam@example.org', 'p7@example.org',"
				+ " 'old@example.org') ORDER BY email_normalized", String.class))
			.containsExactly("HARD_BOUNCE 550 5.1.1 no such user operator:bea", "ADMIN Left operator:ann",
					"ADMIN From the old CRM operator:bea", "COMPLAINT Reported as spam, twice operator:bea");
		assertThat(count("SELECT count(*) FROM suppression WHERE source = 'import of " + dir.resolve("list.csv") + "'"))
			.isEqualTo(1502);

		Result export = cli("suppress", "export");
		assertThat(export.exitCode()).as(export.err()).isZero();
		List<String> rows = export.out().lines().toList();
		assertThat(rows).hasSize(1 + 1503);
		assertThat(rows.get(0)).isEqualTo("email,reason,detail,source,suppressed_by,suppressed_at");
		assertThat(rows).contains("spam@example.org,COMPLAINT,\"Reported as spam, twice\",import of "
				+ dir.resolve("list.csv") + ",operator:bea,"
				+ rows.stream().filter(r -> r.startsWith("spam@")).findFirst().orElseThrow().replaceAll(".*,", ""));
		assertThat(rows.get(rows.size() - 1)).startsWith("old@example.org,ADMIN,Left,command line,operator:ann,");

		write("again.csv", export.out());
		Result again = cli("suppress", "import", dir.resolve("again.csv").toString());
		assertThat(again.exitCode()).as(again.err()).isZero();
		assertThat(again.out())
			.isEqualTo(dir.resolve("again.csv") + ": 0 added, 1503 already suppressed, 0 rejected\n");

		write("nocolumn.csv", "address\nx@example.org\n");
		Result noColumn = cli("suppress", "import", dir.resolve("nocolumn.csv").toString());
		assertThat(noColumn.exitCode()).isEqualTo(2);
		assertThat(noColumn.err()).isEqualTo("error: " + dir.resolve("nocolumn.csv")
				+ " line 1: no 'email' column; the header line names the columns, for example email,reason,detail\n");
		Result missing = cli("suppress", "import", dir.resolve("missing.csv").toString());
		assertThat(missing.exitCode()).isEqualTo(2);
		assertThat(missing.err()).isEqualTo("error: " + dir.resolve("missing.csv") + ": no such file\n");
		assertThat(count("SELECT count(*) FROM suppression")).isEqualTo(1503);
	}

	private String invitationOf(String email) {
		return jdbc.queryForObject("SELECT max(id)::text FROM invitation WHERE email_normalized = ?", String.class,
				email);
	}

}
