package org.invitations.spec;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The notify keys of invitation and expiry specs: read, defaulted, and refused with the
 * key named.
 */
class NotifyKeysTest {

	@TempDir
	Path dir;

	private final SpecLoader loader = new SpecLoader();

	private Path spec(String extra) throws Exception {
		Files.writeString(dir.resolve("people.csv"), "email,first_name,last_name\n");
		return Files.writeString(dir.resolve("s.yml"), """
				name: nightly
				source:
				  csv: people.csv
				role: member
				link-base-url: https://crm.example.org/set-password
				""" + extra);
	}

	@Test
	void readsTheNotifyKeys() throws Exception {
		JobSpec spec = loader.load(spec("""
				notify: [admin@example.org, "Office <office@example.org>"]
				notify-webhook: https://hooks.example.org/invitations
				notify-dry-run: true
				"""));
		assertThat(spec.notifications().to()).containsExactly("admin@example.org", "Office <office@example.org>");
		assertThat(spec.notifications().webhook()).isEqualTo(URI.create("https://hooks.example.org/invitations"));
		assertThat(spec.notifications().dryRuns()).isTrue();
	}

	@Test
	void nobodyByDefault() throws Exception {
		assertThat(loader.load(spec("")).notifications()).isEqualTo(Notify.NONE);
	}

	@Test
	void refusesWhatCannotBeNotified() throws Exception {
		assertThatThrownBy(() -> loader.load(spec("notify: [not-an-address]\n"))).isInstanceOf(SpecException.class)
			.hasMessageContaining("key 'notify'")
			.hasMessageContaining("'not-an-address' is not an email address");
		assertThatThrownBy(() -> loader.load(spec("notify-webhook: http://hooks.example.org/x\n")))
			.hasMessageContaining("key 'notify-webhook'")
			.hasMessageContaining("use https");
		assertThatThrownBy(() -> loader.load(spec("notify-webhook: /relative\n")))
			.hasMessageContaining("key 'notify-webhook'");
	}

	@Test
	void expirySpecsNotifyToo() throws Exception {
		Path file = Files.writeString(dir.resolve("expire.yml"), """
				job: expire
				name: nightly-expiry
				notify: [ops@example.org]
				""");
		assertThat(loader.loadExpiry(file).notifications().to()).containsExactly("ops@example.org");
	}

}
