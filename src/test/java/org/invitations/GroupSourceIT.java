package org.invitations;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A group source pages through members by id; {@code members: admins} keeps the admins
 * only.
 */
class GroupSourceIT extends IntegrationTest {

	@BeforeEach
	void tenMembersTwoAdmins() {
		jdbc.update("INSERT INTO person_group (name) VALUES ('league')");
		for (int i = 1; i <= 10; i++) {
			jdbc.update(
					"INSERT INTO person (email, email_normalized, first_name, last_name, email_active) VALUES (?, ?, ?, 'Member', ?)",
					"m" + i + "@example.org", "m" + i + "@example.org", "M" + i, i != 5);
			jdbc.update(
					"""
							INSERT INTO group_member (group_id, person_id, member_role)
							SELECT g.id, p.id, ? FROM person_group g, person p WHERE g.name = 'league' AND p.email_normalized = ?
							""",
					i <= 2 ? "admin" : "member", "m" + i + "@example.org");
		}
	}

	@Test
	void allMembersAcrossSeveralPages() throws Exception {
		addRole("player");
		Result run = cli("run", write("league.yml", """
				name: league
				source:
				  group: league
				  members: all
				role: player
				chunk-size: 3
				link-base-url: https://crm.example.org/set-password
				""").toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(received()).hasSize(9);
		assertThat(run.out()).contains("EMAIL_INACTIVE 1").containsPattern("TOTAL\\s+10\\b");
		assertThat(jdbc.queryForList("SELECT DISTINCT kind || ' ' || ref FROM invitation_source", String.class))
			.containsExactly("GROUP group:league:all");
	}

	@Test
	void adminsOnlyWithTheirOwnRole() throws Exception {
		Result run = cli("run", write("admins.yml", """
				name: league-admins
				source:
				  group: league
				  members: admins
				role: coordinator
				link-base-url: https://crm.example.org/set-password
				""").toString());

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("m1@example.org", "m2@example.org");
		assertThat(jdbc.queryForList("SELECT DISTINCT r.name FROM role_assignment a JOIN role r ON r.id = a.role_id",
				String.class))
			.containsExactly("coordinator");
	}

}
