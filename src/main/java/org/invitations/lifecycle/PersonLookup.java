package org.invitations.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * One person as the console's Person page shows them: who they are and the roles they
 * hold.
 */
@Repository
public class PersonLookup {

	private final JdbcTemplate jdbc;

	public PersonLookup(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** A stored person. */
	public record Person(long id, String email, String firstName, String lastName, String externalId,
			boolean emailActive, Instant lastLoginAt) {
	}

	/** A role the person holds, and since when. */
	public record HeldRole(String name, Instant since, Long executionId) {
	}

	public Optional<Person> find(long id) {
		return jdbc
			.query("""
					SELECT id, email, first_name, last_name, external_id, email_active, last_login_at FROM person WHERE id = ?
					""",
					(rs, n) -> new Person(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
							rs.getString(5), rs.getBoolean(6),
							rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant()),
					id)
			.stream()
			.findFirst();
	}

	public List<HeldRole> roles(long personId) {
		return jdbc.query("""
				SELECT r.name, a.assigned_at, a.job_execution_id FROM role_assignment a JOIN role r ON r.id = a.role_id
				WHERE a.person_id = ? ORDER BY r.name
				""", (rs, n) -> new HeldRole(rs.getString(1), rs.getTimestamp(2).toInstant(), (Long) rs.getObject(3)),
				personId);
	}

}
