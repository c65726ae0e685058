package org.invitations;

import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small mistakes of an operator: a bad option value, and a cancel that finds nothing
 * to cancel.
 */
class OperatorMistakesIT extends IntegrationTest {

	@Test
	void invalidOptionValuesAreUsageErrorsListingTheValidOnes() {
		Result list = cli("list", "--status", "bogus");
		assertThat(list.exitCode()).isEqualTo(2);
		assertThat(list.out()).isEmpty();
		assertThat(list.err()).startsWith("error: --status 'bogus' is not one of pending, open, QUEUED, SENDING, SENT,")
			.contains("See 'invitations list --help'.")
			.doesNotContain("Usage:");

		Result report = cli("report", "1", "--outcome", "bogus");
		assertThat(report.exitCode()).isEqualTo(2);
		assertThat(report.err())
			.startsWith("error: --outcome 'bogus' is not one of SENT, WOULD_SEND, QUEUED, DEFERRED,")
			.doesNotContain("Usage:");
		assertThat(cli("report", "1", "--format", "xml").err())
			.startsWith("error: --format 'xml' is not one of text, csv");
		assertThat(cli("list", "--status", "sent").exitCode()).isZero();
	}

	@Test
	void cancelSaysWhyNothingWasCancelled() throws Exception {
		write("people.csv",
				"email,first_name,last_name\nann@example.org,Ann,A\nben@example.org,Ben,B\ncat@example.org,Cat,C\n");
		assertThat(cli("run", spec("club", "people.csv").toString()).exitCode()).isZero();
		String execution = lastExecution();
		Map<String, String> tokens = received().stream().collect(Collectors.toMap(Mails::to, Mails::token));
		assertThat(cli("redeem", tokens.get("ann@example.org")).exitCode()).isZero();
		String ann = invitationOf("ann@example.org");
		String ben = invitationOf("ben@example.org");
		String cat = invitationOf("cat@example.org");
		assertThat(cli("cancel", "--invitation", ben, "--reason", "left").out()).isEqualTo("1 invitation cancelled\n");
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE id = ?::bigint", cat);
		assertThat(cli("expire").exitCode()).isZero();

		assertThat(cancel("--invitation", ann))
			.isEqualTo("0 invitations cancelled: invitation " + ann + " is accepted: its link has been used");
		assertThat(cancel("--invitation", ben))
			.isEqualTo("0 invitations cancelled: invitation " + ben + " is cancelled already");
		assertThat(cancel("--invitation", cat))
			.isEqualTo("0 invitations cancelled: invitation " + cat + " is expired: its link no longer works");
		assertThat(cancel("--execution", execution)).isEqualTo("0 invitations cancelled: execution " + execution
				+ "'s run has no open invitations (1 accepted, 1 cancelled, 1 expired)");

		Result missing = cli("cancel", "--invitation", "999", "--reason", "x");
		assertThat(missing.exitCode()).isEqualTo(2);
		assertThat(missing.err()).isEqualTo("error: no invitation 999" + System.lineSeparator());
		Result noExecution = cli("cancel", "--execution", "999", "--reason", "x");
		assertThat(noExecution.exitCode()).isEqualTo(2);
		assertThat(noExecution.err()).isEqualTo("error: no job execution 999" + System.lineSeparator());
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'CANCELLED'")).isOne();
	}

	private String cancel(String target, String id) {
		Result result = cli("cancel", target, id, "--reason", "tidy up");
		assertThat(result.exitCode()).as(result.err()).isZero();
		return result.out().strip();
	}

	private String invitationOf(String email) {
		return jdbc.queryForObject("""
				SELECT i.id::text FROM invitation i JOIN person p ON p.id = i.person_id WHERE p.email_normalized = ?
				""", String.class, email);
	}

}
