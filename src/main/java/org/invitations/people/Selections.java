package org.invitations.people;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores the people chosen in the console (ticked one by one, or all that a filter
 * matches) as a selection a run reads, set-based, with who chose them and how. A stored
 * selection never changes: its dry run and its send read the same people.
 */
@Repository
public class Selections {

	private final JdbcTemplate jdbc;

	public Selections(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A stored selection.
	 *
	 * @param people how many it holds
	 * @param description how they were chosen
	 */
	public record Selection(long id, long people, String description) {
	}

	/** The people of these ids that exist; ticked on the People or a Person page. */
	@Transactional
	public Selection ofPeople(Collection<Long> personIds, String actor) {
		long id = create(actor);
		jdbc.update("""
				INSERT INTO person_selection_member (selection_id, person_id)
				SELECT ?, p.id FROM person p WHERE p.id = ANY(?) ON CONFLICT DO NOTHING
				""", id, personIds.toArray(Long[]::new));
		return seal(id, null);
	}

	/** Every person the filter matches now. */
	@Transactional
	public Selection matching(PeopleFilter filter, String actor) {
		long id = create(actor);
		PeopleFilter.planSettings(jdbc);
		List<Object> args = new ArrayList<>(List.of(id));
		String where = filter.where(jdbc, args);
		jdbc.update(
				"INSERT INTO person_selection_member (selection_id, person_id) SELECT ?, p.id FROM person p " + where,
				args.toArray());
		return seal(id, filter.describe());
	}

	private long create(String actor) {
		Long id = jdbc.queryForObject(
				"INSERT INTO person_selection (created_by, description, people, digest) VALUES (?, '', 0, '')"
						+ " RETURNING id",
				Long.class, actor);
		return id == null ? 0 : id;
	}

	/**
	 * Counts the members, digests their ids as a group source's members are digested, and
	 * says how they were chosen.
	 */
	private Selection seal(long id, String filter) {
		return jdbc.queryForObject("""
				WITH counted AS (
				    SELECT count(*) AS people,
				           encode(sha256(convert_to(coalesce(string_agg(person_id::text, ',' ORDER BY person_id), ''),
				                  'UTF8')), 'hex') AS digest
				    FROM person_selection_member WHERE selection_id = ?)
				UPDATE person_selection s SET people = c.people, digest = c.digest,
				       description = CASE WHEN ?::text IS NULL
				                          THEN c.people || CASE WHEN c.people = 1 THEN ' person' ELSE ' people' END
				                               || ' chosen'
				                          ELSE 'all ' || c.people || ' matching: ' || ? END
				FROM counted c WHERE s.id = ?
				RETURNING s.id, s.people, s.description
				""", (rs, n) -> new Selection(rs.getLong(1), rs.getLong(2), rs.getString(3)), id, filter, filter, id);
	}

}
