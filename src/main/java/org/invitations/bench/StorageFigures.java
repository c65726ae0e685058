package org.invitations.bench;

import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the database holds per invitation: every table of the schema (rows, indexes, TOAST
 * and the space updates left free for the next rows), divided by the invitations it
 * holds; and the same without the people and their group memberships, which exist whether
 * anyone is invited or not.
 *
 * @param addressLength the average length of the invitations' addresses
 * @param tables the largest tables, largest first, with their bytes
 */
public record StorageFigures(long invitations, long totalBytes, long peopleBytes, double addressLength,
		List<Table> tables) {

	/** One table with its indexes, in bytes. */
	public record Table(String name, long bytes) {
	}

	static StorageFigures of(JdbcTemplate jdbc) {
		Long invitations = jdbc.queryForObject("SELECT count(*) FROM invitation", Long.class);
		// The figures depend on the data: addresses are the longest values repeated.
		Double addressLength = jdbc
			.queryForObject("SELECT avg(length(coalesce(email, email_normalized))) FROM invitation", Double.class);
		List<Table> tables = new ArrayList<>(jdbc.query("""
				SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
				JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC
				""", (rs, i) -> new Table(rs.getString(1), rs.getLong(2))));
		long total = tables.stream().mapToLong(Table::bytes).sum();
		long people = tables.stream()
			.filter(t -> t.name().equals("person") || t.name().equals("group_member"))
			.mapToLong(Table::bytes)
			.sum();
		return new StorageFigures(invitations == null ? 0 : invitations, total, people,
				addressLength == null ? 0 : addressLength, List.copyOf(tables.subList(0, Math.min(8, tables.size()))));
	}

	public double perInvitation() {
		return (double) totalBytes / Math.max(1, invitations);
	}

	public double perInvitationWithoutPeople() {
		return (double) (totalBytes - peopleBytes) / Math.max(1, invitations);
	}

}
