package org.invitations;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * max-recipients: a run that would send more stops before anything is claimed or sent,
 * until confirmed exactly.
 */
@TestPropertySource(properties = "invitations.max-recipients=1000")
class RecipientGuardIT extends IntegrationTest {

	@Test
	void aRunOverItsLimitSendsNothingUntilConfirmedWithTheExactNumber() throws Exception {
		write("people.csv", peopleCsv(12));
		String spec = spec("big", "people.csv", 5, "max-recipients: 10").toString();

		Result dry = cli("run", spec, "--dry-run");
		assertThat(dry.exitCode()).isZero();
		assertThat(dry.out()).contains("WOULD_SEND 12 is more than max-recipients 10: the real run needs --confirm 12");

		Result held = cli("run", spec);
		assertThat(held.exitCode()).as(held.err()).isEqualTo(2);
		assertThat(held.err()).contains(
				"error: 'big' would send 12 emails, more than max-recipients 10; nothing was sent; run it again with"
						+ " --confirm 12 to send them");
		assertThat(received()).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'QUEUED' AND token_hash IS NULL"))
			.isEqualTo(12);
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(jdbc.queryForObject(
				"SELECT exit_code FROM batch_step_execution WHERE step_name = 'deliver' ORDER BY step_execution_id DESC LIMIT 1",
				String.class))
			.isEqualTo("NEEDS_CONFIRMATION");

		Result wrong = cli("run", spec, "--confirm", "11");
		assertThat(wrong.exitCode()).isEqualTo(2);
		assertThat(wrong.err()).contains("error: --confirm 11 does not match: 'big' would send 12 emails;")
			.contains("--confirm 12");
		assertThat(received()).isEmpty();

		Result confirmed = cli("run", spec, "--confirm", "12");
		assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
		assertThat(confirmed.out()).containsPattern("SENT\\s+12");
		assertThat(received()).hasSize(12);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(12);
	}

	@Test
	void theConfiguredDefaultAppliesAndARunUnderItIsNotHeld() throws Exception {
		write("people.csv", peopleCsv(4));
		Result small = cli("run", spec("small", "people.csv").toString());
		assertThat(small.exitCode()).as(small.err()).isZero();
		assertThat(received()).hasSize(4);

		write("more.csv", peopleCsv(1010));
		Result big = cli("run", spec("more", "more.csv", 500).toString());
		assertThat(big.exitCode()).isEqualTo(2);
		// The four already invited are skipped: the number is what this run would send.
		assertThat(big.err()).contains("'more' would send 1006 emails, more than max-recipients 1000");
		assertThat(received()).hasSize(4);
	}

}
