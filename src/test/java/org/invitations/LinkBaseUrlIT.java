package org.invitations;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link that arrives is the spec's page, its query kept, with the token under the
 * configured parameter name.
 */
class LinkBaseUrlIT extends IntegrationTest {

	@Test
	void theTokenParameterIsConfigurableAndTheQueryIsKept() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,Person\n");
		Result run = cli("run", write("code.yml", """
				name: code
				source:
				  csv: people.csv
				role: volunteer
				link-base-url: https://crm.example.org/welcome?lang=en
				link-token-parameter: code
				""").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();

		String text = Mails.part(received().get(0), "text/plain");
		Matcher link = Pattern
			.compile("https://crm\\.example\\.org/welcome\\?lang=en&code=([A-Za-z0-9_-]{44})(?![A-Za-z0-9_-])")
			.matcher(text);
		assertThat(link.find()).as(text).isTrue();
		assertThat(text).doesNotContain("token=");
		Result redeem = cli("redeem", link.group(1));
		assertThat(redeem.exitCode()).as(redeem.out()).isZero();
	}

	@Test
	void aLinkThatAlreadyEndsInTheTokenParameterIsASpecError() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,Person\n");
		String spec = write("broken.yml", """
				name: broken
				source:
				  csv: people.csv
				role: volunteer
				link-base-url: https://crm.example.org/set-password?token=
				""").toString();

		Result run = cli("run", spec);

		assertThat(run.exitCode()).isEqualTo(2);
		assertThat(run.err().lines()).singleElement()
			.asString()
			.startsWith("error: " + spec + ": key 'link-base-url': ");
		assertThat(count("SELECT count(*) FROM person")).isZero();
		assertThat(received()).isEmpty();
	}

}
