package org.invitations.invitation;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import org.invitations.spec.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The suppression list in the one rule: asked before anything the spec says, and said
 * with who, when and why.
 */
class SuppressionRuleTest {

	private static final Suppression LEFT = new Suppression(7, "Anna@Example.org", "anna@example.org",
			SuppressedBecause.ADMIN, "Left the parish", "cancel of invitation 12", "console:alice",
			Instant.parse("2026-12-04T10:15:30Z"));

	@Test
	void aSuppressedAddressIsRefusedFirstWithWhoWhenAndWhy() {
		Eligibility any = new Eligibility(false, false);
		Eligibility strict = new Eligibility(true, true);

		Eligibility.Refusal refusal = strict.check(LEFT, Kind.INVITATION, false, Instant.now());

		assertThat(refusal.reason()).isEqualTo(SkipReason.SUPPRESSED);
		assertThat(refusal.detail()).isEqualTo("suppressed since 2026-12-04 by console:alice: Left the parish");
		assertThat(any.check(LEFT, Kind.PASSWORD_RESET, true, Instant.now()).reason()).isEqualTo(SkipReason.SUPPRESSED);
	}

	@Test
	void withoutAnEntryTheRestOfTheRuleDecides() {
		Eligibility strict = new Eligibility(true, true);

		assertThat(strict.check(null, Kind.INVITATION, true, null)).isNull();
		assertThat(strict.check(null, Kind.INVITATION, false, null).reason()).isEqualTo(SkipReason.EMAIL_INACTIVE);
	}

	@Test
	void theReportAndTheConsoleNameTheReasonInWords() {
		assertThat(Reason.of("SUPPRESSED")).isSameAs(SkipReason.SUPPRESSED);
		assertThat(SuppressedBecause.ADMIN.label()).isEqualTo("Admin's request");
	}

}
