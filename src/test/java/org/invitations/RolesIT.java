package org.invitations;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles exist before a spec grants them: the roles command keeps the list, and a
 * misspelled role writes nothing.
 */
class RolesIT extends IntegrationTest {

	@Test
	void aSpecNamingAnUnknownRoleIsRefusedBeforeAnythingIsWritten() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,Person\n");
		String spec = spec("typo", "people.csv").toString();
		write("typo.yml",
				java.nio.file.Files.readString(dir.resolve("typo.yml")).replace("role: volunteer", "role: volunter"));

		for (String[] args : new String[][] { { "run", spec }, { "run", spec, "--dry-run" } }) {
			Result run = cli(args);

			assertThat(run.exitCode()).isEqualTo(2);
			assertThat(run.err().lines()).singleElement()
				.isEqualTo("error: " + spec + ": key 'role': no role 'volunter'; known roles: coordinator, volunteer"
						+ " (add one with: roles add NAME --description TEXT)");
		}
		assertThat(count("SELECT count(*) FROM person")).isZero();
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isZero();
		assertThat(count("SELECT count(*) FROM role WHERE name = 'volunter'")).isZero();
	}

	@Test
	void rolesAreListedAddedWithADescriptionAndRemovedWhenUnused() {
		Result added = cli("roles", "add", "sacristan", "--description", "Prepares the church for services");
		assertThat(added.exitCode()).as(added.err()).isZero();
		assertThat(added.out()).isEqualTo("Role 'sacristan' added" + System.lineSeparator());

		Result list = cli("roles");
		assertThat(list.exitCode()).isZero();
		assertThat(list.out().lines().toList()).hasSize(4).first().asString().startsWith("ROLE");
		assertThat(list.out())
			.containsPattern("sacristan\\s+\\d{4}-\\d\\d-\\d\\d\\s+0\\s+0\\s+Prepares the church for services");
		assertThat(cli("roles", "list").out()).isEqualTo(list.out());

		Result again = cli("roles", "add", "sacristan", "--description", "twice");
		assertThat(again.exitCode()).isEqualTo(2);
		assertThat(again.err()).isEqualTo("error: role 'sacristan' exists already" + System.lineSeparator());
		assertThat(cli("roles", "add", "organist").exitCode()).isEqualTo(2);
		assertThat(cli("roles", "add", "organist").err()).contains("roles add needs --description");
		assertThat(cli("roles", "add", "bad name", "--description", "x").err()).contains("is not a role name");
		assertThat(cli("roles", "rename", "x").err()).contains("expected one of [LIST, ADD, REMOVE]");

		Result removed = cli("roles", "remove", "sacristan");
		assertThat(removed.exitCode()).as(removed.err()).isZero();
		assertThat(count("SELECT count(*) FROM role WHERE name = 'sacristan'")).isZero();
		Result missing = cli("roles", "remove", "sacristan");
		assertThat(missing.exitCode()).isEqualTo(2);
		assertThat(missing.err()).isEqualTo("error: no role 'sacristan'" + System.lineSeparator());
	}

	@Test
	void aRoleThatIsGrantedOrAwaitedIsNotRemoved() throws Exception {
		write("people.csv", "email,first_name,last_name\na@example.org,A,Person\nb@example.org,B,Person\n");
		assertThat(cli("run", spec("granted", "people.csv").toString()).exitCode()).isZero();

		Result refused = cli("roles", "remove", "volunteer");

		assertThat(refused.exitCode()).isEqualTo(2);
		assertThat(refused.err()).isEqualTo("error: role 'volunteer' is not removed: 2 people hold it and 2 open"
				+ " invitations grant it" + System.lineSeparator());
		assertThat(count("SELECT count(*) FROM role WHERE name = 'volunteer'")).isOne();
		assertThat(cli("roles").out()).containsPattern("volunteer\\s+\\S+\\s+2\\s+2\\s");
	}

}
