package org.invitations.mail;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.invitations.spec.SpecLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link is the spec's page with the token appended as its own parameter, keeping the
 * page's query.
 */
class MailComposerLinkTest {

	@TempDir
	Path dir;

	private String link(String base, String... extra) throws Exception {
		Path spec = Files.writeString(dir.resolve("spec.yml"), "name: x\nsource:\n  group: g\nrole: r\nlink-base-url: "
				+ base + "\n" + String.join("\n", extra) + "\n");
		return new MailComposer(new SpecLoader().load(spec), "Invitations <no-reply@example.org>").link("TOKEN");
	}

	@Test
	void appendsTheTokenParameterKeepingTheQuery() throws Exception {
		assertThat(link("https://crm.example.org/set-password"))
			.isEqualTo("https://crm.example.org/set-password?token=TOKEN");
		assertThat(link("https://crm.example.org/p?a=1")).isEqualTo("https://crm.example.org/p?a=1&token=TOKEN");
		assertThat(link("https://crm.example.org/p?")).isEqualTo("https://crm.example.org/p?token=TOKEN");
		assertThat(link("https://crm.example.org/p?a=1&")).isEqualTo("https://crm.example.org/p?a=1&token=TOKEN");
		assertThat(link("https://crm.example.org/p?a=1", "link-token-parameter: code"))
			.isEqualTo("https://crm.example.org/p?a=1&code=TOKEN");
	}

}
