package org.invitations.selection;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import org.invitations.invitation.RejectReason;
import org.invitations.source.SourceRow;

import static org.assertj.core.api.Assertions.assertThat;

class RowValidatorTest {

	private final RowValidator validator = new RowValidator();

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "ann@example.org|", " Ann.Archer+club@Example.ORG |",
			"o'brien@example.co.uk|", "''|MISSING_EMAIL", "plain|INVALID_EMAIL", "a@b@example.org|INVALID_EMAIL",
			"a..b@example.org|INVALID_EMAIL", "a@localhost|INVALID_EMAIL", "a@-bad.example.org|INVALID_EMAIL",
			"a b@example.org|INVALID_EMAIL", "\"quoted\"@example.org|INVALID_EMAIL", "zoë@example.org|INVALID_EMAIL" })
	void checksAddresses(String email, RejectReason expected) {
		Candidate candidate = validator.process(row(email, "Ann"));
		assertThat(candidate.rejection()).isEqualTo(expected);
	}

	@Test
	void normalisesCaseAndSpace() {
		assertThat(validator.process(row("  Ann@Example.ORG ", "Ann")).emailNormalized()).isEqualTo("ann@example.org");
	}

	@Test
	void enforcesRfc5321Lengths() {
		assertThat(validator.process(row("x".repeat(64) + "@example.org", "A")).isRejected()).isFalse();
		assertThat(validator.process(row("x".repeat(65) + "@example.org", "A")).rejection())
			.isEqualTo(RejectReason.EMAIL_TOO_LONG);
		String longDomain = ("d".repeat(60) + ".").repeat(5) + "org";
		assertThat(validator.process(row("a@" + longDomain, "A")).rejection()).isEqualTo(RejectReason.EMAIL_TOO_LONG);
	}

	@Test
	void namesTheDnsLabelLimit() {
		assertThat(validator.process(row("a@" + "l".repeat(63) + ".example.org", "A")).isRejected()).isFalse();
		Candidate label = validator.process(row("a@" + "l".repeat(64) + ".example.org", "A"));
		assertThat(label.rejection()).isEqualTo(RejectReason.EMAIL_TOO_LONG);
		assertThat(label.detail()).endsWith("has 64 characters, at most 63");
	}

	@Test
	void refusesControlCharactersInAnyField() {
		assertThat(validator.process(row("a@example.org", "Eve\r\nBcc: x@example.com")).rejection())
			.isEqualTo(RejectReason.CONTROL_CHARACTER);
		assertThat(validator.process(row("a@example.org", "Tab\tbed")).detail()).startsWith("first_name");
		SourceRow groups = new SourceRow(1, 2L, "a@example.org", "A", "B", null, null, List.of("x\u0007"), null, null);
		assertThat(validator.process(groups).rejection()).isEqualTo(RejectReason.CONTROL_CHARACTER);
	}

	@Test
	void readsEmailActive() {
		SourceRow off = new SourceRow(1, 2L, "a@example.org", "A", "B", null, "FALSE", List.of(), null, null);
		assertThat(validator.process(off).emailActive()).isFalse();
		SourceRow odd = new SourceRow(1, 2L, "a@example.org", "A", "B", null, "maybe", List.of(), null, null);
		assertThat(validator.process(odd).rejection()).isEqualTo(RejectReason.INVALID_VALUE);
	}

	private static SourceRow row(String email, String firstName) {
		return new SourceRow(1, 2L, email, firstName, "Archer", null, null, List.of(), null, null);
	}

}
