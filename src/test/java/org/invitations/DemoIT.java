package org.invitations;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped demo spec, end to end: what arrived, what is stored, and a report that adds
 * up.
 */
class DemoIT extends IntegrationTest {

	@Test
	void demoSendsToEveryEligiblePersonAndReportsEveryRow() throws Exception {
		Result run = cli("run", Path.of("jobs/demo.yml").toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+26\\s")
			.containsPattern("SKIPPED\\s+2\\s+EMAIL_INACTIVE 2")
			.containsPattern("REJECTED\\s+8\\s")
			.containsPattern("TOTAL\\s+36");
		assertThat(received()).hasSize(26)
			.extracting(Mails::to)
			.doesNotHaveDuplicates()
			.contains("anna.smith@example.org", "zoe.martin@example.org", "ella.novak@example.com")
			.doesNotContain("grace.lee@example.net", "emma.johnson@example.org", "tab.person@example.org");
		MimeMessage anna = received().stream()
			.filter(m -> Mails.to(m).equals("anna.smith@example.org"))
			.findFirst()
			.get();
		assertThat(anna.getSubject()).isEqualTo("Set your password for Example Parish");
		assertThat(anna.getFrom()[0].toString()).isEqualTo("Example Parish <no-reply@example.org>");
		assertThat(Mails.part(anna, "text/plain")).contains("Hello Anna,", "valid for 24 hours");

		Map<Long, String> problems = new TreeMap<>();
		jdbc.query("SELECT source_line, outcome || ' ' || reason FROM job_report_item WHERE reason IS NOT NULL", rs -> {
			problems.put(rs.getLong(1), rs.getString(2));
		});
		assertThat(problems).containsExactlyEntriesOf(new TreeMap<>(Map.of(11L, "REJECTED MISSING_EMAIL", 13L,
				"REJECTED INVALID_EMAIL", 14L, "SKIPPED EMAIL_INACTIVE", 16L, "REJECTED INVALID_EMAIL", 18L,
				"REJECTED EMAIL_TOO_LONG", 19L, "REJECTED DUPLICATE_IN_FILE", 21L, "REJECTED CONTROL_CHARACTER", 23L,
				"REJECTED WRONG_COLUMN_COUNT", 27L, "SKIPPED EMAIL_INACTIVE", 29L, "REJECTED INVALID_VALUE")));
		assertThat(count("SELECT count(*) FROM job_report_item")).isEqualTo(36);
		assertThat(count(
				"SELECT count(*) FROM invitation WHERE status = 'SENT' AND expires_at > sent_at + interval '23 hours'"))
			.isEqualTo(26);
		assertThat(count("SELECT count(*) FROM person")).isEqualTo(28);
		assertThat(jdbc.queryForList(
				"""
						SELECT s.ref FROM invitation_source s WHERE s.job_instance_id IN (SELECT job_instance_id FROM invitation)""",
				String.class))
			.singleElement()
			.asString()
			.startsWith("people.csv sha256:");

		Result report = cli("report", lastExecution(), "--outcome", "rejected");
		assertThat(report.exitCode()).isZero();
		assertThat(report.out()).contains("not-an-email", "same address as line 2").doesNotContain("zoe.martin");
	}

	@Test
	void groupJobsFindTheImportedPeople() throws Exception {
		assertThat(cli("run", "jobs/demo.yml").exitCode()).isZero();
		SMTP.purgeEmailFromAllMailboxes();
		// A day later: the demo's links have expired; the expiry job has not run yet.
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 minute'");

		Result admins = cli("run", "jobs/group-admins.yml");

		assertThat(admins.exitCode()).as(admins.err()).isZero();
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("anna.smith@example.org", "ben.okafor@example.org");
		assertThat(received())
			.allSatisfy(message -> assertThat(Mails.part(message, "text/plain")).contains("coordinator"));

		SMTP.purgeEmailFromAllMailboxes();
		Result volunteers = cli("run", "jobs/group-volunteers.yml");
		assertThat(volunteers.exitCode()).as(volunteers.err()).isZero();
		// 19 volunteers were imported: 2 inactive, the 2 coordinators invited just now,
		// 15 new invitations.
		assertThat(received()).hasSize(15);
		assertThat(volunteers.out()).containsPattern("SENT\\s+15\\s")
			.containsPattern("SKIPPED\\s+4\\s+ALREADY_INVITED 2, EMAIL_INACTIVE 2")
			.containsPattern("TOTAL\\s+19");
		// 17 demo invitations were replaced by new ones (stored as expired), the others
		// are expired by their time, before the expiry job runs: the history says so of
		// each of them (V52), once.
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'EXPIRED'")).isEqualTo(17);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'EXPIRED'"))
			.isEqualTo(count("SELECT count(*) FROM invitation WHERE status = 'EXPIRED'"
					+ " OR status = 'SENT' AND expires_at <= now()"))
			.isGreaterThan(17);
	}

}
