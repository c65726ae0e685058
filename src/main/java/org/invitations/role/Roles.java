package org.invitations.role;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.invitation.InvitationStatus;
import org.invitations.spec.SpecException;

/**
 * The roles a spec may grant: listed, added with a description, removed while nobody
 * holds or awaits them.
 */
@Repository
public class Roles {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");

	/** Statuses of an invitation that may still grant its role. */
	private static final String OPEN = "('QUEUED', 'SENDING', 'SENT', 'DEFERRED')";

	private final JdbcTemplate jdbc;

	public Roles(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A role and how it is used.
	 *
	 * @param name what specs name it by
	 * @param description what it is for
	 * @param createdAt when it was added
	 * @param granted people who hold it
	 * @param openInvitations open invitations that grant it
	 */
	public record Role(String name, String description, Instant createdAt, long granted, long openInvitations) {
	}

	/** Why a role could not be added or removed; the message is one line. */
	public static class RoleException extends RuntimeException {

		private final boolean notFound;

		RoleException(String message, boolean notFound) {
			super(message);
			this.notFound = notFound;
		}

		/** Whether the role does not exist, rather than the change being refused. */
		public boolean isNotFound() {
			return notFound;
		}

	}

	/**
	 * Every role by name, with how many people hold it and how many open invitations
	 * grant it.
	 */
	public List<Role> list() {
		return jdbc.query("""
				SELECT r.name, r.description, r.created_at,
				       (SELECT count(*) FROM role_assignment a WHERE a.role_id = r.id),
				       (SELECT count(*) FROM invitation i WHERE i.role_id = r.id AND i.status IN %s AND %s)
				FROM role r ORDER BY r.name
				""".formatted(OPEN, InvitationStatus.notExpiredSql("i")), (rs, n) -> new Role(rs.getString(1),
				rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getLong(4), rs.getLong(5)));
	}

	public List<String> names() {
		return jdbc.queryForList("SELECT name FROM role ORDER BY name", String.class);
	}

	/**
	 * Adds a role; refused when the name is not usable in a spec or the role exists
	 * already.
	 */
	public void add(String name, String description) {
		if (!NAME.matcher(name).matches()) {
			throw new RoleException("'" + name + "' is not a role name: letters, digits, '.', '_' or '-', at most 80",
					false);
		}
		if (description.isBlank() || description.chars().anyMatch(Character::isISOControl)) {
			throw new RoleException("a role's description must be text on one line", false);
		}
		int added = jdbc.update("INSERT INTO role (name, description) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
				name, description.strip());
		if (added == 0) {
			throw new RoleException("role '" + name + "' exists already", false);
		}
	}

	/**
	 * Removes a role nobody holds and no open invitation grants; otherwise says why not.
	 */
	@Transactional
	public void remove(String name) {
		List<Long> ids = jdbc.queryForList("SELECT id FROM role WHERE name = ? FOR UPDATE", Long.class, name);
		if (ids.isEmpty()) {
			throw new RoleException("no role '" + name + "'", true);
		}
		long id = ids.get(0);
		long granted = jdbc.queryForObject("SELECT count(*) FROM role_assignment WHERE role_id = ?", Long.class, id);
		long open = jdbc.queryForObject("SELECT count(*) FROM invitation i WHERE role_id = ? AND status IN " + OPEN
				+ " AND " + InvitationStatus.notExpiredSql("i"), Long.class, id);
		if (granted > 0 || open > 0) {
			throw new RoleException("role '" + name + "' is not removed: "
					+ (granted > 0 ? granted + " people hold it" : "") + (granted > 0 && open > 0 ? " and " : "")
					+ (open > 0 ? open + " open invitations grant it" : ""), false);
		}
		jdbc.update("DELETE FROM role WHERE id = ?", id);
	}

	/**
	 * Refuses a spec whose role does not exist, before its job starts and writes
	 * anything.
	 * @throws SpecException naming the file, the key and the known roles
	 */
	public void requireKnown(Path specFile, String role) {
		if (jdbc.queryForObject("SELECT count(*) FROM role WHERE name = ?", Long.class, role) > 0) {
			return;
		}
		List<String> known = names();
		throw new SpecException(specFile, "key 'role'",
				"no role '" + role + "'; known roles: " + (known.isEmpty() ? "none" : String.join(", ", known))
						+ " (add one with: roles add NAME --description TEXT)");
	}

}
