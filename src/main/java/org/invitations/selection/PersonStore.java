package org.invitations.selection;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.invitation.RejectReason;
import org.invitations.invitation.ReportItem;

/**
 * People as the selection step sees them: imported rows merged into stored people (by
 * external id, else by normalised address), group members as stored, and group membership
 * from the import's {@code groups} column. All set-based, a few statements per chunk.
 */
public class PersonStore {

	private final JdbcTemplate jdbc;

	public PersonStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The state that filtering sees.
	 *
	 * @param id stored id; {@code null} only in a dry run, for a person the import would
	 * create
	 */
	public record Person(Long id, String emailNormalized, String externalId, boolean emailActive, Instant lastLoginAt) {
	}

	/** Reports a row that cannot be merged into the stored people. */
	@FunctionalInterface
	public interface Rejecter {

		ReportItem reject(Candidate candidate, RejectReason reason, String detail);

	}

	/**
	 * The stored people a chunk's rows name: by normalised address and by external id.
	 */
	public record Known(Map<String, Person> byEmail, Map<String, Person> byExternalId) {

		/** The stored person with the row's external id, or {@code null}. */
		public Person sameId(Candidate row) {
			return row.externalId() == null ? null : byExternalId.get(row.externalId());
		}

		/** The stored person with the row's address, or {@code null}. */
		public Person sameEmail(Candidate row) {
			return byEmail.get(row.emailNormalized());
		}

	}

	/** The stored people these rows name, in one query. */
	public Known find(List<Candidate> rows) {
		Map<String, Person> byEmail = new HashMap<>();
		Map<String, Person> byExternalId = new HashMap<>();
		find(rows, byEmail, byExternalId);
		return new Known(byEmail, byExternalId);
	}

	/**
	 * Creates or updates the people of imported rows (in a dry run, only computes what
	 * they would be). Rows whose external id and address point at two different stored
	 * people are rejected. The rows must name different people (no two the same address,
	 * external id or stored person).
	 * <p>
	 * Another import may create the same new people at the same time: a new person is
	 * inserted only if neither the address nor the external id exists by then (waiting
	 * for the other transaction to end), and a row that meets a person stored meanwhile
	 * is merged into that person like any other.
	 */
	public Map<String, Person> upsert(List<Candidate> rows, Known known, boolean dryRun, List<ReportItem> report,
			Rejecter rejecter) {
		Map<String, Person> merged = new HashMap<>();
		List<Candidate> pending = rows;
		for (int round = 1; !pending.isEmpty(); round++) {
			List<Person> updated = new ArrayList<>();
			List<Candidate> updates = new ArrayList<>();
			List<Candidate> inserts = new ArrayList<>();
			for (Candidate row : pending) {
				merged.remove(row.emailNormalized());
				Person sameEmail = known.sameEmail(row);
				Person sameId = known.sameId(row);
				if (sameId != null && sameEmail != null && !Objects.equals(sameId.id(), sameEmail.id())) {
					report.add(rejecter.reject(row, RejectReason.EXTERNAL_ID_CONFLICT, "external id " + row.externalId()
							+ " belongs to " + sameId.emailNormalized() + ", the address to another person"));
					continue;
				}
				if (sameId == null && sameEmail != null && sameEmail.externalId() != null && row.externalId() != null) {
					report.add(rejecter.reject(row, RejectReason.EXTERNAL_ID_CONFLICT,
							"the address belongs to the person with external id " + sameEmail.externalId()));
					continue;
				}
				Person stored = sameId != null ? sameId : sameEmail;
				boolean active = row.emailActive() != null ? row.emailActive() : stored == null || stored.emailActive();
				if (stored != null) {
					updates.add(row);
					updated.add(stored);
					merged.put(row.emailNormalized(),
							new Person(stored.id(), row.emailNormalized(),
									row.externalId() != null ? row.externalId() : stored.externalId(), active,
									stored.lastLoginAt()));
				}
				else {
					inserts.add(row);
					merged.put(row.emailNormalized(),
							new Person(null, row.emailNormalized(), row.externalId(), active, null));
				}
			}
			if (dryRun) {
				return merged;
			}
			update(updates, updated);
			pending = insert(inserts, merged);
			if (!pending.isEmpty()) {
				if (round == 3) {
					throw new IllegalStateException(
							"people kept changing under this import: " + pending.size() + " rows could not be stored");
				}
				// Stored by another transaction since this chunk looked: merged into what
				// is there now.
				known = find(pending);
			}
		}
		Map<String, Person> stored = new HashMap<>();
		query(merged.keySet().toArray(String[]::new), new String[0], stored, new HashMap<>());
		return stored;
	}

	/**
	 * Rows merged into stored people, in the order of their ids, as every import locks
	 * them.
	 */
	private void update(List<Candidate> rows, List<Person> stored) {
		List<Object[]> updates = new ArrayList<>(rows.size());
		for (int i = 0; i < rows.size(); i++) {
			Candidate row = rows.get(i);
			updates.add(new Object[] { row.email(), row.emailNormalized(), row.firstName(), row.lastName(),
					row.externalId(), row.emailActive(), stored.get(i).id() });
		}
		updates.sort(Comparator.comparing(update -> (Long) update[6]));
		jdbc.batchUpdate("""
				UPDATE person SET email = ?, email_normalized = ?, first_name = ?, last_name = ?,
				       external_id = coalesce(?, external_id), email_active = coalesce(?, email_active),
				       updated_at = now()
				WHERE id = ?
				""", updates);
	}

	/**
	 * Inserts new people in the order of their addresses, so that two imports of the same
	 * people wait for each other instead of deadlocking. Returns the rows that found
	 * their address or external id taken meanwhile.
	 */
	private List<Candidate> insert(List<Candidate> rows, Map<String, Person> merged) {
		if (rows.isEmpty()) {
			return List.of();
		}
		List<Candidate> sorted = new ArrayList<>(rows);
		sorted.sort(Comparator.comparing(Candidate::emailNormalized));
		int n = sorted.size();
		String[] emails = new String[n];
		String[] normalized = new String[n];
		String[] firstNames = new String[n];
		String[] lastNames = new String[n];
		String[] externalIds = new String[n];
		Boolean[] active = new Boolean[n];
		for (int i = 0; i < n; i++) {
			Candidate row = sorted.get(i);
			emails[i] = row.email();
			normalized[i] = row.emailNormalized();
			firstNames[i] = row.firstName();
			lastNames[i] = row.lastName();
			externalIds[i] = row.externalId();
			active[i] = merged.get(row.emailNormalized()).emailActive();
		}
		Set<String> inserted = new HashSet<>(jdbc.queryForList("""
				INSERT INTO person (email, email_normalized, first_name, last_name, external_id, email_active)
				SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[])
				ON CONFLICT DO NOTHING
				RETURNING email_normalized
				""", String.class, emails, normalized, firstNames, lastNames, externalIds, active));
		return rows.stream().filter(row -> !inserted.contains(row.emailNormalized())).toList();
	}

	/** Group members are stored people already. */
	public Map<String, Person> fromGroup(List<Candidate> rows) {
		Map<String, Person> byEmail = new HashMap<>();
		Long[] ids = rows.stream().map(row -> row.row().personId()).toArray(Long[]::new);
		jdbc.query("""
				SELECT id, email_normalized, external_id, email_active, last_login_at FROM person WHERE id = ANY(?)
				""", collect(byEmail, new HashMap<>()), (Object) ids);
		return byEmail;
	}

	/**
	 * Adds imported people to the groups named in their row ({@code name} or
	 * {@code name:admin}), creating missing groups. A membership that exists keeps its
	 * role unless the row names one.
	 */
	public void addToGroups(List<Candidate> rows, Map<String, Person> persons) {
		Set<String> names = new LinkedHashSet<>();
		rows.forEach(row -> row.groups().forEach(group -> names.add(GroupEntry.parse(group).name())));
		if (names.isEmpty()) {
			return;
		}
		String[] array = names.toArray(String[]::new);
		jdbc.update("INSERT INTO person_group (name) SELECT unnest(?::text[]) ON CONFLICT (name) DO NOTHING",
				(Object) array);
		Map<String, Long> groupIds = new HashMap<>();
		jdbc.query("SELECT id, name FROM person_group WHERE name = ANY(?)",
				(RowCallbackHandler) rs -> groupIds.put(rs.getString("name"), rs.getLong("id")), (Object) array);
		List<Object[]> members = new ArrayList<>();
		for (Candidate row : rows) {
			Person person = persons.get(row.emailNormalized());
			for (String group : row.groups()) {
				GroupEntry entry = GroupEntry.parse(group);
				members.add(new Object[] { groupIds.get(entry.name()), person.id(), entry.role(), entry.role() });
			}
		}
		jdbc.batchUpdate("""
				INSERT INTO group_member (group_id, person_id, member_role) VALUES (?, ?, coalesce(?, 'member'))
				ON CONFLICT (group_id, person_id) DO UPDATE SET member_role = coalesce(?, group_member.member_role)
				""", members);
	}

	/**
	 * One entry of the {@code groups} column: a group name, optionally with
	 * {@code :admin} or {@code :member}.
	 */
	record GroupEntry(String name, String role) {

		static GroupEntry parse(String entry) {
			int colon = entry.lastIndexOf(':');
			if (colon > 0) {
				String role = entry.substring(colon + 1).strip().toLowerCase(java.util.Locale.ROOT);
				if (role.equals("admin") || role.equals("member")) {
					return new GroupEntry(entry.substring(0, colon).strip(), role);
				}
			}
			return new GroupEntry(entry.strip(), null);
		}

	}

	private void find(List<Candidate> rows, Map<String, Person> byEmail, Map<String, Person> byExternalId) {
		String[] emails = rows.stream().map(Candidate::emailNormalized).toArray(String[]::new);
		String[] externalIds = rows.stream().map(Candidate::externalId).filter(Objects::nonNull).toArray(String[]::new);
		query(emails, externalIds, byEmail, byExternalId);
	}

	private void query(String[] emails, String[] externalIds, Map<String, Person> byEmail,
			Map<String, Person> byExternalId) {
		if (emails.length == 0 && externalIds.length == 0) {
			return;
		}
		jdbc.query("""
				SELECT id, email_normalized, external_id, email_active, last_login_at FROM person
				WHERE email_normalized = ANY(?) OR external_id = ANY(?)
				""", collect(byEmail, byExternalId), emails, externalIds);
	}

	private static RowCallbackHandler collect(Map<String, Person> byEmail, Map<String, Person> byExternalId) {
		return rs -> {
			Timestamp login = rs.getTimestamp("last_login_at");
			Person person = new Person(rs.getLong("id"), rs.getString("email_normalized"), rs.getString("external_id"),
					rs.getBoolean("email_active"), login == null ? null : login.toInstant());
			byEmail.put(person.emailNormalized(), person);
			if (person.externalId() != null) {
				byExternalId.put(person.externalId(), person);
			}
		};
	}

}
