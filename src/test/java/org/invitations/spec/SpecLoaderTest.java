package org.invitations.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecLoaderTest {

	@TempDir
	Path dir;

	private final SpecLoader loader = new SpecLoader();

	@Test
	void appliesDefaults() throws Exception {
		Files.writeString(dir.resolve("people.csv"), "email,first_name,last_name\n");
		JobSpec spec = loader.load(spec("""
				name: nightly
				source:
				  csv: people.csv
				role: member
				link-base-url: https://crm.example.org/set-password
				"""));
		assertThat(spec.kind()).isEqualTo(Kind.INVITATION);
		assertThat(spec.tokenTtl()).isEqualTo(Duration.ofHours(24));
		assertThat(spec.chunkSize()).isEqualTo(100);
		assertThat(spec.filters().activeEmail()).isTrue();
		assertThat(spec.filters().neverLoggedIn()).isTrue();
		assertThat(spec.template()).isEqualTo("default");
		assertThat(spec.source().csv()).isEqualTo(dir.resolve("people.csv").toAbsolutePath().normalize());
		assertThat(spec.checksum()).hasSize(64);
	}

	@Test
	void readsEveryKey() throws Exception {
		JobSpec spec = loader.load(spec("""
				name: admins
				description: coordinators of the league
				source:
				  group: league
				  members: admins
				filters:
				  active-email: false
				  never-logged-in: false
				role: coordinator
				kind: auto
				template: league
				token-ttl: 7d
				chunk-size: 500
				link-base-url: https://crm.example.org/welcome?lang=en
				from: League <no-reply@example.org>
				organisation: The League
				"""));
		assertThat(spec.source().group()).isEqualTo("league");
		assertThat(spec.source().members()).isEqualTo(JobSpec.Members.ADMINS);
		assertThat(spec.filters().activeEmail()).isFalse();
		assertThat(spec.kind()).isEqualTo(Kind.AUTO);
		assertThat(spec.tokenTtl()).isEqualTo(Duration.ofDays(7));
		assertThat(spec.chunkSize()).isEqualTo(500);
		assertThat(spec.organisation()).isEqualTo("The League");
	}

	@Test
	void errorsNameFileAndKey() throws Exception {
		String base = "name: x\nsource:\n  group: g\nrole: r\nlink-base-url: https://crm.example.org/p\n";
		assertThatThrownBy(() -> loader.load(spec(base + "kind: invite\n")))
			.hasMessageEndingWith("spec.yml: key 'kind': 'invite' must be one of invitation, password-reset, auto");
		assertThatThrownBy(() -> loader.load(spec(base + "chunk-size: lots\n")))
			.hasMessageEndingWith("spec.yml: line 6, column 13, key 'chunk-size': must be a whole number, not 'lots'");
		assertThatThrownBy(() -> loader.load(spec(base + "chunk-size: 0\n")))
			.hasMessageContaining("key 'chunk-size': must be between 1 and 10000");
		assertThatThrownBy(() -> loader.load(spec(base + "token-ttl: 1m\n")))
			.hasMessageContaining("key 'token-ttl': must be between 5m and 90d");
		assertThatThrownBy(() -> loader.load(spec(base + "filters:\n  active: true\n")))
			.hasMessageEndingWith("spec.yml: line 7: unknown key 'filters.active'");
		assertThatThrownBy(() -> loader.load(spec(base.replace("https://crm.example.org/p", "javascript:alert(1)"))))
			.hasMessageContaining("key 'link-base-url'");
		assertThatThrownBy(() -> loader.load(spec("source:\n  group: g\n")))
			.hasMessageEndingWith("spec.yml: key 'name': is required");
		assertThatThrownBy(() -> loader.load(dir.resolve("absent.yml")))
			.hasMessageEndingWith("absent.yml: no such file");
	}

	@Test
	void linkBaseUrlIsAnHttpsPageWithoutFragmentOrTokenParameter() throws Exception {
		String base = "name: x\nsource:\n  group: g\nrole: r\n";
		for (String refused : new String[] { "link-base-url: https://crm.example.org/p?token=",
				"link-base-url: https://crm.example.org/p?lang=en&token=abc", "link-base-url: http://crm.example.org/p",
				"link-base-url: https://crm.example.org/p#top", "link-base-url: /set-password",
				"link-base-url: ftp://crm.example.org/p",
				"link-base-url: https://crm.example.org/p?code=1\nlink-token-parameter: code",
				"link-base-url: https://crm.example.org/p\nlink-token-parameter: a b" }) {
			assertThatThrownBy(() -> loader.load(spec(base + refused + "\n"))).as(refused)
				.isInstanceOf(SpecException.class)
				.hasMessageStartingWith(dir.resolve("spec.yml") + ": key 'link-")
				.hasMessageNotContaining("\n");
		}
		assertThatThrownBy(() -> loader.load(spec(base + "link-base-url: https://crm.example.org/p?token=\n")))
			.hasMessageEndingWith(
					"key 'link-base-url': 'https://crm.example.org/p?token=' already has a 'token' parameter:"
							+ " leave it out, the link gets ?token=… appended");
		assertThatThrownBy(() -> loader.load(spec(base + "link-base-url: http://crm.example.org/p\n")))
			.hasMessageContaining("would travel unencrypted; use https (or set allow-insecure-link: true)");
		assertThatThrownBy(() -> loader.load(spec(base + "link-base-url: https://crm.example.org/p#top\n")))
			.hasMessageContaining("has a #fragment");

		for (String accepted : new String[] { "link-base-url: http://localhost:8080/p",
				"link-base-url: http://127.0.0.1/p", "link-base-url: http://[::1]/p",
				"link-base-url: http://crm.example.org/p\nallow-insecure-link: true",
				"link-base-url: https://crm.example.org/p?token=1\nlink-token-parameter: code" }) {
			assertThat(loader.load(spec(base + accepted + "\n")).linkBaseUrl()).as(accepted).isNotNull();
		}
		assertThat(loader.load(spec(base + "link-base-url: https://crm.example.org/p\n")).linkTokenParameter())
			.isEqualTo("token");
	}

	@Test
	void yamlMistakesAreSaidInPlainWordsWithLineAndColumn() throws Exception {
		String base = "name: x\nsource:\n  group: g\nrole: r\nlink-base-url: https://crm.example.org/p\n";
		assertThatThrownBy(() -> loader.load(spec("name: x\nsource:\n\tgroup: g\n")))
			.hasMessageEndingWith("spec.yml: line 3, column 1: a tab here: YAML indents with spaces only");
		assertThatThrownBy(() -> loader.load(spec(base + "organisation: [a, b]\n"))).hasMessageEndingWith(
				"spec.yml: line 6, column 15, key 'organisation': a value here must be text, not a list");
		assertThatThrownBy(() -> loader.load(spec("name: x\nsource: people.csv\n")))
			.hasMessageEndingWith("spec.yml: line 2, column 9, key 'source': must hold keys on the lines below it,"
					+ " indented, not 'people.csv'");
		assertThatThrownBy(() -> loader.load(spec(base + "filters:\n  active-email: maybe\n")))
			.hasMessageEndingWith("key 'filters.active-email': must be true or false, not 'maybe'");
		assertThatThrownBy(() -> loader.load(spec(base + "organisation: St Mary: the parish\n"))).hasMessageEndingWith(
				"spec.yml: line 6, column 22: a ':' here is not allowed: put a value that contains ': ' in quotes");
		assertThatThrownBy(() -> loader.load(spec(base + "name: y\n")))
			.hasMessageEndingWith("spec.yml: line 6, column 5: key 'name' appears twice");
		assertThatThrownBy(() -> loader.load(spec(base + "organisation: \"open\n")))
			.hasMessageContaining("a quoted value is not closed");
	}

	@Test
	void anExpirySpecAndAnInvitationSpecAreNamedAsSuchWhenSwapped() throws Exception {
		Path expiry = Files.writeString(dir.resolve("expire.yml"), "name: nightly\njob: expire\nbatch-size: 10\n");
		assertThatThrownBy(() -> loader.load(expiry)).hasMessage(
				expiry + ": is an expiry spec (job: expire), not an invitation spec; run it with: expire " + expiry);
		Path invitation = spec("name: x\nsource:\n  group: g\nrole: r\nlink-base-url: https://crm.example.org/p\n");
		assertThatThrownBy(() -> loader.loadExpiry(invitation)).hasMessage(invitation
				+ ": is an invitation spec, not an expiry spec (job: expire); run it with: run " + invitation);
		assertThat(loader.loadExpiry(expiry).batchSize()).isEqualTo(10);
	}

	@Test
	void anExpirySpecKeepsReportRowsUnlessItNamesARetention() throws Exception {
		assertThat(loader.loadExpiry(spec("name: nightly\njob: expire\n")).purgeReportRowsAfter()).isNull();
		assertThat(loader.loadExpiry(spec("name: nightly\njob: expire\npurge-report-rows-after: 180d\n"))
			.purgeReportRowsAfter()).isEqualTo(java.time.Duration.ofDays(180));
		assertThat(
				loader.loadExpiry(spec("name: nightly\njob: expire\npurge-history-after: 365d\n")).purgeHistoryAfter())
			.isEqualTo(java.time.Duration.ofDays(365));
		Path wrong = spec("name: nightly\njob: expire\npurge-report-rows-after: half a year\n");
		assertThatThrownBy(() -> loader.loadExpiry(wrong)).hasMessageContaining("key 'purge-report-rows-after'")
			.hasMessageContaining("is not a duration");
	}

	@Test
	void dkimNamesAnotherDomainOrSelectorAsDnsNames() throws Exception {
		String base = "name: x\nsource:\n  group: g\nrole: r\nlink-base-url: https://crm.example.org/p\n";
		assertThat(loader.load(spec(base)).dkim()).isEqualTo(JobSpec.Dkim.CONFIGURED);
		assertThat(loader.load(spec(base + "dkim:\n  domain: mail.example.net\n  selector: inv-2026\n")).dkim())
			.isEqualTo(new JobSpec.Dkim("mail.example.net", "inv-2026"));
		assertThat(loader.load(spec(base + "dkim:\n  selector: s2\n")).dkim()).isEqualTo(new JobSpec.Dkim(null, "s2"));
		assertThatThrownBy(() -> loader.load(spec(base + "dkim:\n  domain: example.org/x\n")))
			.hasMessageEndingWith("spec.yml: key 'dkim.domain': 'example.org/x' is not a DNS name (letters, digits,"
					+ " '-' and '.'; an international domain in its xn-- form)");
		assertThatThrownBy(() -> loader.load(spec(base + "dkim:\n  selector: -bad\n")))
			.hasMessageContaining("key 'dkim.selector': '-bad' is not a DNS name");
		assertThatThrownBy(() -> loader.load(spec(base + "dkim: {}\n")))
			.hasMessageContaining("key 'dkim': names neither a domain nor a selector");
		assertThatThrownBy(() -> loader.load(spec(base + "dkim:\n  key: x\n")))
			.hasMessageEndingWith("spec.yml: line 7: unknown key 'dkim.key'");
	}

	private Path spec(String yaml) throws Exception {
		return Files.writeString(dir.resolve("spec.yml"), yaml);
	}

}
