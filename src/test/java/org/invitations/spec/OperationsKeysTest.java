package org.invitations.spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operators' keys: max-recipients, schedule and remind, with one-line errors naming
 * the key.
 */
class OperationsKeysTest {

	@TempDir
	Path dir;

	private final SpecLoader loader = new SpecLoader();

	private static final String BASE = """
			name: nightly
			source:
			  csv: people.csv
			role: member
			link-base-url: https://crm.example.org/set-password
			""";

	@Test
	void readsTheGuardAndTheSchedule() throws Exception {
		JobSpec spec = loader
			.load(spec(BASE + "max-recipients: 500\nschedule:\n  cron: \"0 0 2 * * *\"\n  zone: Europe/Paris\n"));
		assertThat(spec.operations().maxRecipients()).isEqualTo(500);
		assertThat(spec.operations().schedule().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
		assertThat(spec.operations()
			.schedule()
			.expression()
			.next(Instant.parse("2026-12-01T12:00:00Z").atZone(ZoneId.of("Europe/Paris"))))
			.hasToString("2026-12-02T02:00+01:00[Europe/Paris]");
		assertThat(loader.load(spec(BASE)).operations()).isEqualTo(JobSpec.Operations.NONE);
	}

	@Test
	void refusesBadValuesNamingTheKey() throws Exception {
		assertThatThrownBy(() -> loader.load(spec(BASE + "max-recipients: 0\n")))
			.hasMessageContaining("key 'max-recipients'");
		assertThatThrownBy(() -> loader.load(spec(BASE + "schedule:\n  cron: \"0 2 * * *\"\n")))
			.hasMessageContaining("key 'schedule.cron'")
			.hasMessageContaining("six fields");
		assertThatThrownBy(() -> loader.load(spec(BASE + "schedule:\n  cron: \"0 0 2 * * *\"\n  zone: Mars/Olympus\n")))
			.hasMessageContaining("key 'schedule.zone'");
		assertThatThrownBy(() -> loader.load(spec(BASE + "schedule:\n  zone: UTC\n")))
			.hasMessageContaining("key 'schedule.cron'");
	}

	@Test
	void readsAnExpirySpecsReminder() throws Exception {
		ExpirySpec spec = loader.loadExpiry(spec("name: nightly\njob: expire\nremind:\n  before: 2d\n"));
		assertThat(spec.remind().before()).isEqualTo(Duration.ofDays(2));
		assertThat(spec.remind().minRemaining()).isEqualTo(Duration.ofHours(1));
		assertThat(spec.remind().template()).isEqualTo("reminder");
		assertThatThrownBy(() -> loader.loadExpiry(spec("name: n\njob: expire\nremind:\n  template: x\n")))
			.hasMessageContaining("key 'remind.before'");
		assertThatThrownBy(
				() -> loader.loadExpiry(spec("name: n\njob: expire\nremind:\n  before: 1h\n  min-remaining: 2h\n")))
			.hasMessageContaining("key 'remind.min-remaining'");
		assertThatThrownBy(() -> loader.loadExpiry(spec("name: n\njob: expire\nremind:\n  before: 2d\n  after: 1d\n")))
			.hasMessageContaining("unknown key 'remind.after'");
	}

	private Path spec(String yaml) throws Exception {
		Files.writeString(dir.resolve("people.csv"), "email,first_name,last_name\n");
		Path file = dir.resolve("spec-" + System.nanoTime() + ".yml");
		Files.writeString(file, yaml);
		return file;
	}

}
