package org.invitations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link in the email is the only place a token exists: it verifies against the stored
 * hash, and the plaintext is nowhere in the database, the logs or the report. Personal
 * data cannot break out of the template or the headers.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenSecurityIT extends IntegrationTest {

	@Test
	void linkVerifiesAgainstStoredHashAndPlaintextIsNowhereElse(CapturedOutput output) throws Exception {
		write("people.csv", "email,first_name,last_name\nann@example.org,Ann,Archer\nbob@example.org,Bob,Brown\n");
		Result run = cli("run", spec("tokens", "people.csv").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		Result report = cli("report", lastExecution());
		Result csv = cli("report", lastExecution(), "--format", "csv");

		List<MimeMessage> messages = received();
		assertThat(messages).hasSize(2);
		for (MimeMessage message : messages) {
			String token = Mails.token(message);
			assertThat(Base64.getUrlDecoder().decode(token)).hasSize(33);
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
			byte[] stored = jdbc.queryForObject(
					"""
							SELECT i.token_hash FROM invitation i JOIN person p ON p.id = i.person_id WHERE p.email_normalized = ?
							""",
					byte[].class, Mails.to(message));
			assertThat(stored).isEqualTo(hash);
			assertThat(Mails.part(message, "text/html"))
				.contains("href=\"https://crm.example.org/set-password?token=" + token + "\"");

			assertThat(everyStoredValue()).doesNotContain(token);
			assertThat(output.getAll()).doesNotContain(token);
			assertThat(run.out() + run.err() + report.out() + csv.out()).doesNotContain(token);
		}
		assertThat(Mails.token(messages.get(0))).isNotEqualTo(Mails.token(messages.get(1)));
	}

	@Test
	void namesAreEscapedInHtmlAndCannotInjectHeaders() throws Exception {
		jdbc.update("INSERT INTO person_group (name) VALUES ('club')");
		jdbc.update(
				"""
						INSERT INTO person (email, email_normalized, first_name, last_name)
						VALUES ('eve@example.org', 'eve@example.org', 'Eve <script>alert(1)</script>', '"Bcc: victim@example.com"'),
						       ('mal@example.org', 'mal@example.org', ?, 'Lory')
						""",
				"Mal\r\nBcc: victim@example.com\r\nX-Evil: yes");
		jdbc.update("INSERT INTO group_member (group_id, person_id) SELECT g.id, p.id FROM person_group g, person p");
		addRole("member");
		Result run = cli("run", write("club.yml", """
				name: club
				source:
				  group: club
				role: member
				link-base-url: https://crm.example.org/welcome?lang=en
				""").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		// A stored name with CR/LF is refused with its reason rather than sent.
		assertThat(run.out()).contains("CONTROL_CHARACTER 1");

		assertThat(received()).as(run.out() + run.err()).hasSize(1);
		MimeMessage message = received().get(0);
		assertThat(message.getAllRecipients()).hasSize(1);
		assertThat(message.getHeader("Bcc")).isNull();
		assertThat(message.getHeader("X-Evil")).isNull();
		assertThat(jakarta.mail.internet.MimeUtility.unfold(message.getHeader("To")[0])).doesNotContain("\r", "\n");
		assertThat(((jakarta.mail.internet.InternetAddress) message.getAllRecipients()[0]).getAddress())
			.isEqualTo("eve@example.org");
		String html = Mails.part(message, "text/html");
		assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;");
		// The configured base URL keeps its query; the token is appended to it.
		assertThat(Mails.part(message, "text/plain")).contains("https://crm.example.org/welcome?lang=en&token=");
	}

	/** Every column of every application table, as text. */
	private String everyStoredValue() {
		StringBuilder all = new StringBuilder();
		for (String table : jdbc.queryForList(
				"""
						SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
						""",
				String.class)) {
			jdbc.query("SELECT t::text FROM " + table + " t", rs -> {
				all.append(rs.getString(1)).append('\n');
			});
		}
		return all.toString();
	}

}
