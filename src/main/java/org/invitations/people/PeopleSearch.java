package org.invitations.people;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.invitation.InvitationStatus;

/**
 * People by a {@link PeopleFilter}, newest first by key, with where their invitations
 * stand and the roles they hold; and how many match, counted no further than a cap. For
 * the console's People page.
 */
@Repository
public class PeopleSearch {

	private static final String OPEN = InvitationStatus.sqlList(InvitationStatus.OPEN);

	private final JdbcTemplate jdbc;

	public PeopleSearch(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * One listed person.
	 *
	 * @param invitationId their latest invitation, or {@code null}
	 * @param invitationStatus its status
	 * @param invitationKind its kind
	 * @param sentAt when it was last sent
	 * @param expiresAt when its link expires
	 * @param roles the roles they hold, by name
	 */
	public record Person(long id, String firstName, String lastName, String email, boolean emailActive,
			@Nullable Instant lastLoginAt, @Nullable Long invitationId, @Nullable String invitationStatus,
			@Nullable String invitationKind, @Nullable Instant sentAt, @Nullable Instant expiresAt, String roles) {

		public String name() {
			return (firstName + " " + lastName).strip();
		}

	}

	/**
	 * Matching people with an id below {@code before} (all when null), newest first, at
	 * most {@code limit}.
	 */
	@Transactional(readOnly = true)
	public List<Person> page(PeopleFilter filter, @Nullable Long before, int limit) {
		PeopleFilter.planSettings(jdbc);
		List<Object> args = new ArrayList<>();
		PeopleFilter.Rows rows = filter.rows(jdbc, before, args);
		args.add(limit);
		// The latest invitation is the newer of the open one and the newest closed one,
		// each found through its own index by person.
		return jdbc.query("""
				SELECT p.id, p.first_name, p.last_name, p.email, p.email_active, p.last_login_at,
				       i.id, %s, i.kind, i.sent_at, i.expires_at,
				       coalesce((SELECT string_agg(r.name, ', ' ORDER BY r.name) FROM role_assignment a
				                 JOIN role r ON r.id = a.role_id WHERE a.person_id = p.id), '')
				FROM (SELECT p.* %s ORDER BY %s DESC LIMIT ?) p
				LEFT JOIN LATERAL (
				    SELECT * FROM (
				        (SELECT o.id, o.status, o.kind, o.sent_at, o.expires_at FROM invitation o
				         WHERE o.person_id = p.id AND o.status IN %s ORDER BY o.id DESC LIMIT 1)
				        UNION ALL
				        (SELECT c.id, c.status, c.kind, c.sent_at, c.expires_at FROM invitation c
				         WHERE c.person_id = p.id AND c.status NOT IN %s ORDER BY c.id DESC LIMIT 1)) latest
				    ORDER BY latest.id DESC LIMIT 1) i ON true
				ORDER BY p.id DESC
				""".formatted(InvitationStatus.shownSql("i"), rows.sql(), rows.newestFirst(), OPEN, OPEN),
				(rs, n) -> person(rs), args.toArray());
	}

	/**
	 * How many match, counting no further than {@code cap}: the page says "more than
	 * 10,000" rather than count a million rows on every view.
	 */
	@Transactional(readOnly = true)
	public long countUpTo(PeopleFilter filter, long cap) {
		PeopleFilter.planSettings(jdbc);
		List<Object> args = new ArrayList<>();
		String rows = filter.rows(jdbc, null, args).sql();
		args.add(cap + 1);
		Long count = jdbc.queryForObject("SELECT count(*) FROM (SELECT 1 " + rows + " LIMIT ?) AS capped", Long.class,
				args.toArray());
		return count == null ? 0 : count;
	}

	/** The names of the groups, for the page's filter. */
	public List<String> groups() {
		return jdbc.queryForList("SELECT name FROM person_group ORDER BY name", String.class);
	}

	private static Person person(ResultSet rs) throws SQLException {
		return new Person(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
				instant(rs.getTimestamp(6)), (Long) rs.getObject(7), rs.getString(8), rs.getString(9),
				instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)), rs.getString(12));
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
