package org.invitations.source;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads the people of a stored selection (chosen in the console), keyset-paged by person
 * id as a group's members are, so that memory stays flat and a restart resumes.
 */
public final class SelectionMemberReaders {

	private SelectionMemberReaders() {
	}

	/** What a selection source is called in job parameters and invitation provenance. */
	public static String describe(long selection) {
		return "selection:" + selection;
	}

	/**
	 * How many people the selection holds and the digest of their ids, as stored when it
	 * was made; {@code null} when there is no such selection.
	 */
	public static GroupMemberReaders.Members stored(JdbcTemplate jdbc, long selection) {
		List<GroupMemberReaders.Members> found = jdbc.query("SELECT people, digest FROM person_selection WHERE id = ?",
				(rs, n) -> new GroupMemberReaders.Members(rs.getLong(1), rs.getString(2)), selection);
		return found.isEmpty() ? null : found.get(0);
	}

	public static JdbcPagingItemReader<SourceRow> reader(DataSource dataSource, long selection, int pageSize)
			throws Exception {
		// As the group reader: the page's "id > last" narrows the scan of the members'
		// primary key, and each person is fetched by key.
		return GroupMemberReaders.people("selectionMemberReader", dataSource, """
				(SELECT m.person_id AS id, p.email, p.first_name, p.last_name, p.external_id, p.email_active,
				        m.selection_id
				 FROM person_selection_member m
				 CROSS JOIN LATERAL (SELECT * FROM person WHERE person.id = m.person_id OFFSET 0) p) AS members""",
				"selection_id = :selection", Map.of("selection", selection), pageSize);
	}

}
