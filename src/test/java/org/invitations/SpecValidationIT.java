package org.invitations;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A bad spec is one line naming the file and key, exit code 2, and nothing written. */
class SpecValidationIT extends IntegrationTest {

	@Test
	void unknownKeyNamesTheFileLineAndKey() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,B\n");
		Result result = cli("run", spec("typo", "people.csv", "token-tll: 24h").toString());

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err().strip()).matches("error: .*typo\\.yml: line 8: unknown key 'token-tll'");
		assertNothingWritten();
	}

	@Test
	void badDurationNamesTheKey() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,B\n");
		Result result = cli("run", spec("ttl", "people.csv", "token-ttl: tomorrow").toString());

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err()).contains("ttl.yml: key 'token-ttl': 'tomorrow' is not a duration");
		assertNothingWritten();
	}

	@Test
	void missingCsvFileNamesTheKey() throws Exception {
		Result result = cli("run", spec("nofile", "missing.csv").toString());

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err()).contains("nofile.yml: key 'source.csv': no such file").contains("missing.csv");
		assertNothingWritten();
	}

	@Test
	void missingGroupNamesTheKey() throws Exception {
		Result result = cli("run", write("group.yml", """
				name: group
				source:
				  group: nobody-here
				role: member
				link-base-url: https://crm.example.org/set-password
				""").toString());

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err()).contains("group.yml: key 'source.group': no group named 'nobody-here'");
		assertNothingWritten();
	}

	@Test
	void csvWithoutARequiredColumnIsRefused() throws Exception {
		write("people.csv", "mail,first_name,last_name\na@example.org,A,B\n");
		Result result = cli("run", spec("header", "people.csv").toString());

		assertThat(result.exitCode()).isEqualTo(2);
		assertThat(result.err()).contains("people.csv: line 1: header has no column 'email'");
		assertNothingWritten();
	}

	@Test
	void unknownCommandOrMissingSpecIsUsageError() {
		assertThat(cli("launch").exitCode()).isEqualTo(2);
		assertThat(cli("run").exitCode()).isEqualTo(2);
		Result help = cli("run", "--help");
		assertThat(help.exitCode()).isZero();
		assertThat(help.out()).contains("--dry-run");
	}

	private void assertNothingWritten() {
		assertThat(count("SELECT count(*) FROM batch_job_instance")).isZero();
		assertThat(count("SELECT count(*) FROM person")).isZero();
		assertThat(received()).isEmpty();
	}

}
