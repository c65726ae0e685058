package org.invitations;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every skip and reject reason, each row's line, and that counts add up to the input. */
class SelectionIT extends IntegrationTest {

	@Test
	void everyRowEndsInTheReportWithItsReason() throws Exception {
		String longLocal = "x".repeat(65);
		write("people.csv",
				String.join("\n", "email,first_name,last_name,external_id,email_active,groups",
						"ann@example.org,Ann,Archer,E-1,,volunteers", // 2 sent
						",No,Email,,,", // 3 MISSING_EMAIL
						"not-an-email,Bad,Syntax,,,", // 4 INVALID_EMAIL
						longLocal + "@example.org,Long,Local,,,", // 5 EMAIL_TOO_LONG
						"\"tab@example.org\",\"Tab\tName\",Person,,,", // 6
																		// CONTROL_CHARACTER
						"ANN@Example.org,Ann,Again,,,", // 7 DUPLICATE_IN_FILE
						"short@example.org,Too,Few", // 8 WRONG_COLUMN_COUNT
						"off@example.org,Ina,Ctive,,false,", // 9 EMAIL_INACTIVE
						"seen@example.org,Lo,Gin,E-9,,", // 10 ALREADY_LOGGED_IN
						"maybe@example.org,May,Be,,perhaps,", // 11 INVALID_VALUE
						"\"multi@example.org\",\"Multi\",\"Line\nName\",,,", // 12-13
																				// CONTROL_CHARACTER
																				// (LF)
						"", // 14 blank: not a row
						"bea@example.org,Bea,\"Baker, Jr.\",,true,volunteers;choir")); // 15
																						// sent
		jdbc.update("INSERT INTO person (email, email_normalized, external_id, last_login_at) VALUES (?, ?, ?, ?)",
				"seen@example.org", "seen@example.org", "E-9", java.sql.Timestamp.from(Instant.now()));
		Result result = cli("run", spec("people", "people.csv").toString());

		assertThat(result.exitCode()).as(result.err()).isZero();
		Map<Long, String> outcomes = new java.util.TreeMap<>();
		jdbc.query("SELECT source_line, outcome, coalesce(reason, '') FROM job_report_row", rs -> {
			outcomes.put(rs.getLong(1), rs.getString(2) + " " + rs.getString(3));
		});
		assertThat(outcomes).containsExactlyEntriesOf(
				new java.util.TreeMap<>(Map.ofEntries(Map.entry(2L, "SENT "), Map.entry(3L, "REJECTED MISSING_EMAIL"),
						Map.entry(4L, "REJECTED INVALID_EMAIL"), Map.entry(5L, "REJECTED EMAIL_TOO_LONG"),
						Map.entry(6L, "REJECTED CONTROL_CHARACTER"), Map.entry(7L, "REJECTED DUPLICATE_IN_FILE"),
						Map.entry(8L, "REJECTED WRONG_COLUMN_COUNT"), Map.entry(9L, "SKIPPED EMAIL_INACTIVE"),
						Map.entry(10L, "SKIPPED ALREADY_LOGGED_IN"), Map.entry(11L, "REJECTED INVALID_VALUE"),
						Map.entry(12L, "REJECTED CONTROL_CHARACTER"), Map.entry(15L, "SENT "))));
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("ann@example.org", "bea@example.org");
		// Imported people and their groups are stored for later group jobs; rejected rows
		// are not.
		assertThat(jdbc.queryForList("SELECT email_normalized FROM person ORDER BY 1", String.class))
			.containsExactly("ann@example.org", "bea@example.org", "off@example.org", "seen@example.org");
		assertThat(jdbc.queryForList("""
				SELECT g.name || ':' || p.email_normalized FROM group_member m JOIN person_group g ON g.id = m.group_id
				JOIN person p ON p.id = m.person_id ORDER BY 1""", String.class))
			.containsExactly("choir:bea@example.org", "volunteers:ann@example.org", "volunteers:bea@example.org");
		assertThat(count(
				"SELECT count(*) FROM role_assignment ra JOIN role r ON r.id = ra.role_id WHERE r.name = 'volunteer'"))
			.isEqualTo(2);
		assertThat(result.out()).contains("TOTAL", "12");
	}

	@Test
	void aSecondRunSkipsPeopleWithAnOpenInvitation() throws Exception {
		write("people.csv", "email,first_name,last_name\nann@example.org,Ann,Archer\nbob@example.org,Bob,Brown\n");
		String spec = spec("again", "people.csv").toString();
		assertThat(cli("run", spec).exitCode()).isZero();
		Result second = cli("run", spec);

		assertThat(second.exitCode()).isZero();
		assertThat(second.out()).contains("Run 2 of 'again'").contains("ALREADY_INVITED 2");
		assertThat(received()).hasSize(2);
		assertThat(count("SELECT count(*) FROM invitation")).isEqualTo(2);
	}

	@Test
	void passwordResetAndAutoKindsFollowWhetherThePersonEverLoggedIn() throws Exception {
		write("people.csv", "email,first_name,last_name\nnew@example.org,New,Person\nold@example.org,Old,Hand\n");
		jdbc.update(
				"INSERT INTO person (email, email_normalized, last_login_at) VALUES ('old@example.org', 'old@example.org', now())");
		Result reset = cli("run", spec("reset", "people.csv", "kind: password-reset").toString());
		assertThat(reset.exitCode()).as(reset.err()).isZero();
		assertThat(reset.out()).contains("NEVER_LOGGED_IN 1");
		assertThat(received()).extracting(Mails::to).containsExactly("old@example.org");

		SMTP.purgeEmailFromAllMailboxes();
		Result auto = cli("run", spec("auto", "people.csv", "kind: auto").toString());
		assertThat(auto.exitCode()).as(auto.err()).isZero();
		// old@ already has an open reset from the first run; new@ gets an invitation.
		assertThat(received()).extracting(Mails::to).containsExactly("new@example.org");
		assertThat(jdbc.queryForList(
				"SELECT p.email_normalized || ':' || i.kind FROM invitation i JOIN person p ON p.id = i.person_id ORDER BY 1",
				String.class))
			.containsExactly("new@example.org:INVITATION", "old@example.org:PASSWORD_RESET");
	}

	@Test
	void acceptsBomAndCrlfAndRefusesAFileThatIsNotUtf8NamingTheLine() throws Exception {
		byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
		byte[] body = "email,first_name,last_name\r\nzoe@example.org,Zoë,Łukasiewicz\r\n"
			.getBytes(StandardCharsets.UTF_8);
		byte[] file = new byte[bom.length + body.length];
		System.arraycopy(bom, 0, file, 0, bom.length);
		System.arraycopy(body, 0, file, bom.length, body.length);
		Files.write(dir.resolve("bom.csv"), file);
		Result ok = cli("run", spec("bom", "bom.csv").toString());
		assertThat(ok.exitCode()).as(ok.err()).isZero();
		assertThat(received()).singleElement().satisfies(message -> {
			assertThat(Mails.to(message)).isEqualTo("zoe@example.org");
			assertThat(((jakarta.mail.internet.InternetAddress) message.getAllRecipients()[0]).getPersonal())
				.isEqualTo("Zoë Łukasiewicz");
		});

		Files.write(dir.resolve("latin1.csv"),
				List.of("email,first_name,last_name", "a@example.org,A,B", "b@example.org,J\u00f6rg,C")
					.stream()
					.reduce((a, b) -> a + "\n" + b)
					.get()
					.getBytes(StandardCharsets.ISO_8859_1));
		Result bad = cli("run", spec("latin1", "latin1.csv").toString());
		assertThat(bad.exitCode()).isEqualTo(2);
		assertThat(bad.err()).contains("latin1.csv: line 3: is not valid UTF-8");
		assertThat(count(
				"SELECT count(*) FROM batch_job_execution_params WHERE parameter_name = 'spec.name' AND parameter_value = 'latin1'"))
			.isZero();
	}

}
