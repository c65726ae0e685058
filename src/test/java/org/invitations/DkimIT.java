package org.invitations;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import org.invitations.cli.InvitationsCommand;
import org.invitations.cli.SpringContext;
import org.invitations.testsupport.DkimVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DKIM on a real run: every invitation and the run's notification arrive at the SMTP
 * server signed, byte for byte as the built-in client sent them, and dkimpy verifies them
 * against the published record, names in other scripts and a folded subject included; a
 * spec's own domain and selector sign its messages; a key that cannot be read stops the
 * command in one line, exit code 2.
 */
class DkimIT extends ScriptedSmtpTest {

	private static final DkimVerifier.Key KEY = DkimVerifier.rsa();

	@DynamicPropertySource
	static void dkim(DynamicPropertyRegistry registry) {
		registry.add("invitations.mail.dkim.domain", () -> "example.org");
		registry.add("invitations.mail.dkim.selector", () -> "inv2026");
		registry.add("invitations.mail.dkim.private-key", KEY::pem);
	}

	@Test
	void everyMessageOfARunArrivesSignedAndVerifies() throws Exception {
		write("people.csv", """
				email,first_name,last_name
				zoe@example.org,Zoë,Łukasiewicz-Ångström
				yamada@example.org,山田,太郎
				ann@example.org,Ann,Smith
				""");
		write("other.csv", "email,first_name,last_name\nbob@example.org,Bob,Jones\n");
		String spec = write("signed.yml", """
				name: signed
				source:
				  csv: people.csv
				role: volunteer
				link-base-url: https://crm.example.org/set-password
				organisation: Paroisse Saint-Étienne-de-Montréal et des communes environnantes
				notify: [ops@example.org]
				""").toString();
		String other = write("other.yml", """
				name: other
				source:
				  csv: other.csv
				role: volunteer
				link-base-url: https://crm.example.org/set-password
				dkim:
				  domain: mail.example.net
				  selector: other
				""").toString();

		Result run = cli("run", spec);
		Result otherRun = cli("run", other);

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(otherRun.exitCode()).as(otherRun.err()).isZero();
		List<DkimVerifier.Check> checks = new ArrayList<>();
		for (String to : List.of("zoe@example.org", "yamada@example.org", "ann@example.org", "ops@example.org")) {
			checks.add(new DkimVerifier.Check(arrived(to), "example.org", "inv2026", KEY.txt()));
		}
		checks.add(new DkimVerifier.Check(arrived("bob@example.org"), "mail.example.net", "other", KEY.txt()));
		String zoe = new String(arrived("zoe@example.org"), StandardCharsets.ISO_8859_1);
		assertThat(zoe).startsWith("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org;")
			.containsPattern("\r\nSubject: =\\?UTF-8\\?[^\r]+\r\n =\\?UTF-8\\?")
			.contains("\r\nTo: =?UTF-8?");
		byte[] changed = arrived("zoe@example.org");
		int body = zoe.indexOf("\r\n\r\n") + 4;
		changed[body] = (byte) (changed[body] == 'x' ? 'y' : 'x');
		checks.add(new DkimVerifier.Check(changed, "example.org", "inv2026", KEY.txt()));

		assertThat(DkimVerifier.verify(checks)).containsExactly(true, true, true, true, true, false);
	}

	@Test
	void aKeyThatCannotBeReadStopsTheCommandInOneLine() throws Exception {
		String url;
		try (Connection connection = jdbc.getDataSource().getConnection()) {
			url = connection.getMetaData().getURL().replaceFirst("\\?.*", "");
		}
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();

		int code = InvitationsCommand.execute(SpringContext.lazy(), new PrintWriter(out, true),
				new PrintWriter(err, true), "status", "--spring.datasource.url=" + url,
				"--spring.datasource.username=postgres", "--spring.datasource.password=postgres",
				"--invitations.mail.dkim.domain=example.org", "--invitations.mail.dkim.selector=inv2026",
				"--invitations.mail.dkim.private-key=file:" + dir.resolve("missing.pem"));

		assertThat(code).isEqualTo(2);
		assertThat(err.toString().lines()).singleElement()
			.asString()
			.startsWith("error: invitations.mail.dkim.private-key: cannot read file:" + dir.resolve("missing.pem")
					+ " (FileNotFoundException: ");
		assertThat(out.toString()).isEmpty();
	}

	/** The message's bytes as the server received them, dot-stuffing undone. */
	private byte[] arrived(String recipient) {
		assertThat(server.contents(recipient)).as(recipient).hasSize(1);
		return server.contents(recipient).get(0).getBytes(StandardCharsets.ISO_8859_1);
	}

}
