package org.invitations;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dry run reads, validates and filters like a real run, and changes and sends nothing.
 */
class DryRunIT extends IntegrationTest {

	@Test
	void reportsWouldSendAndTouchesNothing() throws Exception {
		write("people.csv", """
				email,first_name,last_name,email_active,groups
				ann@example.org,Ann,Archer,,volunteers
				bob@example.org,Bob,Brown,false,
				bad,Bad,Row,,
				old@example.org,Olivia,Renamed,,
				""");
		jdbc.update(
				"INSERT INTO person (email, email_normalized, first_name) VALUES ('old@example.org', 'old@example.org', 'Olive')");
		String spec = spec("dry", "people.csv").toString();

		Result dry = cli("run", spec, "--dry-run");

		assertThat(dry.exitCode()).as(dry.err()).isZero();
		assertThat(dry.out()).contains("(dry run)").contains("WOULD_SEND", "EMAIL_INACTIVE 1", "INVALID_EMAIL 1");
		assertThat(received()).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation")).isZero();
		assertThat(count("SELECT count(*) FROM person")).isEqualTo(1);
		assertThat(jdbc.queryForObject("SELECT first_name FROM person", String.class)).isEqualTo("Olive");
		assertThat(count("SELECT count(*) FROM person_group")).isZero();
		assertThat(count("SELECT count(*) FROM role_assignment")).isZero();
		assertThat(jdbc.queryForList("SELECT outcome FROM job_report_item ORDER BY item_number", String.class))
			.containsExactly("WOULD_SEND", "SKIPPED", "REJECTED", "WOULD_SEND");

		// The review done, the real run sends to the same people.
		Result real = cli("run", spec);
		assertThat(real.exitCode()).as(real.err()).isZero();
		assertThat(real.out()).contains("Run 2 of 'dry'").doesNotContain("(dry run)");
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("ann@example.org", "old@example.org");
	}

}
