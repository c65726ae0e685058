package org.invitations.people;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.invitation.InvitationStatus;

/**
 * Which people: words that each start a first name, a last name or the address (any
 * case), a group, a role, where their invitations stand, and whether they ever logged in.
 * Every part is optional.
 *
 * @param query words, each the start of a first name, last name or address
 * @param group a group's name
 * @param role a role's name
 * @param invitation where their invitations stand
 * @param neverLoggedIn only people who never logged in
 */
public record PeopleFilter(@Nullable String query, @Nullable String group, @Nullable String role,
		@Nullable Standing invitation, boolean neverLoggedIn) {

	private static final String OPEN = InvitationStatus.sqlList(InvitationStatus.OPEN);

	/** How far the lists a filter names are counted to choose the narrowest. */
	private static final int NARROW = 10_000;

	/** Where a person's invitations stand, in the admins' words. */
	public enum Standing {

		/** No invitation or reset instructions were ever queued for them. */
		NONE("Not invited yet"),
		/** An invitation or reset link is out and still works. */
		PENDING("Pending"),
		/** They used a link. */
		ACCEPTED("Accepted"),
		/** A link expired unused, and nothing newer is open or was used. */
		EXPIRED("Expired"),
		/**
		 * The mail server refused their last message, and nothing newer is open or was
		 * used.
		 */
		FAILED("Not delivered"),
		/** Their invitation was cancelled, and nothing newer is open or was used. */
		CANCELLED("Cancelled"),
		/**
		 * Their address bounced (a hard bounce after the message was sent), and nothing
		 * newer is open or was used.
		 */
		BOUNCED("Undeliverable");

		private final String label;

		Standing(String label) {
			this.label = label;
		}

		public String label() {
			return label;
		}

		public String key() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** From a page's or a link's value; {@code null} for none or blank. */
		public static @Nullable Standing parse(@Nullable String value) {
			if (value == null || value.isBlank()) {
				return null;
			}
			return Arrays.stream(values())
				.filter(standing -> standing.key().equalsIgnoreCase(value.strip()))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("invitation '" + value + "' is not one of "
						+ String.join(", ", Arrays.stream(values()).map(Standing::key).toList())));
		}

	}

	public PeopleFilter {
		query = blank(query);
		group = blank(group);
		role = blank(role);
	}

	/** The filter in a few words, as a selection made from it is described. */
	public String describe() {
		List<String> parts = new ArrayList<>();
		if (query != null) {
			parts.add("name or address starting '" + query + "'");
		}
		if (group != null) {
			parts.add("group " + group);
		}
		if (role != null) {
			parts.add("role " + role);
		}
		if (invitation != null) {
			parts.add("invitation " + invitation.label().toLowerCase(Locale.ROOT));
		}
		if (neverLoggedIn) {
			parts.add("never logged in");
		}
		return parts.isEmpty() ? "everyone" : String.join(", ", parts);
	}

	/**
	 * The condition on {@code person p}, its arguments added in order; the ids of the
	 * group and the role are looked up first, with {@code jdbc}.
	 */
	String where(JdbcTemplate jdbc, List<Object> args) {
		return where(jdbc, args, null);
	}

	/**
	 * The matching people with an id below {@code before} (all when null), as the
	 * {@code FROM} and {@code WHERE} of a statement that lists them newest first by
	 * {@link Rows#newestFirst()}, its arguments added in order.
	 * <p>
	 * Without words to search for, they are read from the newest person not invited yet,
	 * holder of the role, member of the group or person with an invitation of that
	 * standing, the narrowest of those asked for, and each is looked up and tested. Left
	 * to choose, the planner walked all people newest first and asked of each whether
	 * they held the role, expecting the holders spread evenly; but people hold roles, and
	 * invitations stand, by when they came (an import's people, the latest run's): with
	 * the role held by 10,000,000 earlier people it passed the 1,000,000 newer ones first
	 * (5.7 s); and counting those with a pending invitation, it hashed all 1,000,000 of
	 * them, expecting 7,441 (1.3 s). Read from the narrower side, a page costs a lookup
	 * per person it shows, and per person that the other conditions pass over; the
	 * {@code OFFSET 0} of each part keeps that order and that loop, whatever the planner
	 * expects. With words, their prefix indexes are the narrower way in, and the planner
	 * chooses.
	 */
	Rows rows(JdbcTemplate jdbc, @Nullable Long before, List<Object> args) {
		Driver driver = query == null ? driver(jdbc) : null;
		if (driver == null) {
			String where = where(jdbc, args, null);
			if (before != null) {
				args.add(before);
				where += " AND p.id < ?";
			}
			return new Rows("FROM person p " + where, "p.id");
		}
		String from = "FROM (SELECT " + (driver.distinct() ? "DISTINCT " : "") + "d.person_id FROM " + driver.table()
				+ " d WHERE " + driver.condition();
		if (before != null) {
			from += " AND d.person_id < ?";
			args.add(before);
		}
		from += " ORDER BY d.person_id DESC OFFSET 0) d CROSS JOIN LATERAL (SELECT p.* FROM person p ";
		return new Rows(from + where(jdbc, args, driver) + " AND p.id = d.person_id OFFSET 0) p", "d.person_id");
	}

	/**
	 * The {@code FROM} and {@code WHERE} of the matching people, and the column that
	 * orders them newest first.
	 */
	record Rows(String sql, String newestFirst) {
	}

	/**
	 * Where the newest matching people are read from first, by their ids, and whether a
	 * person's id may come more than once there.
	 */
	private record Driver(String table, String condition, boolean distinct, Kind kind) {

		enum Kind {

			NOT_INVITED, ROLE, GROUP, STANDING

		}

	}

	/**
	 * The narrowest of the lists the filter names, or none. With more than one, each is
	 * counted up to {@link #NARROW} first (a few milliseconds from an index): read from
	 * those not invited yet, the ten treasurers among 100,000 newly imported people took
	 * 0.6 s; read from the ten, 20 ms.
	 */
	private @Nullable Driver driver(JdbcTemplate jdbc) {
		List<Driver> lists = new ArrayList<>();
		if (invitation == Standing.NONE) {
			lists.add(new Driver("person_not_invited", "true", false, Driver.Kind.NOT_INVITED));
		}
		if (role != null) {
			Long id = id(jdbc, "role", role);
			if (id == null) {
				return null;
			}
			lists.add(new Driver("role_assignment", "d.role_id = " + id, false, Driver.Kind.ROLE));
		}
		if (group != null) {
			Long id = id(jdbc, "person_group", group);
			if (id == null) {
				return null;
			}
			lists.add(new Driver("group_member", "d.group_id = " + id, false, Driver.Kind.GROUP));
		}
		if (invitation != null && invitation != Standing.NONE) {
			if (invitation == Standing.EXPIRED) {
				// Its list is two ordered parts merged as they come (below), here and
				// when it is measured against the other lists: planned for all of them
				// (the page's limit is beyond the OFFSET 0), PostgreSQL hashed every id
				// of both parts and sorted them (0.6 s for 350,000) rather than merge
				// them (0.2 s).
				jdbc.execute("SET LOCAL enable_hashagg = off");
			}
			lists.add(byStanding(invitation));
		}
		if (lists.size() <= 1) {
			return lists.isEmpty() ? null : lists.get(0);
		}
		Driver narrowest = lists.get(0);
		long least = Long.MAX_VALUE;
		for (Driver list : lists) {
			long size = size(jdbc, list);
			if (size < least) {
				narrowest = list;
				least = size;
			}
		}
		return narrowest;
	}

	/**
	 * Each standing through an index by person (V32): the one that keeps a person to one
	 * open invitation of each kind, the closed ones by person and status, the few not
	 * delivered or cancelled by status and person. The standing's own condition is then
	 * tested on each person, as without a driver.
	 */
	private static Driver byStanding(Standing standing) {
		String table = "invitation";
		String condition = switch (standing) {
			case PENDING -> "d.status IN " + OPEN;
			case ACCEPTED -> "d.status NOT IN " + OPEN + " AND d.status = 'ACCEPTED'";
			case EXPIRED -> {
				// Stored as expired, or sent and past its expiry (V44): each part newest
				// person first through its own index, merged. Each part is ordered in its
				// own parentheses: as one union, PostgreSQL read both whole and sorted
				// them.
				table = "((SELECT c.person_id FROM invitation c WHERE c.status NOT IN " + OPEN
						+ " AND c.status = 'EXPIRED' ORDER BY c.person_id DESC) UNION ALL (SELECT o.person_id"
						+ " FROM invitation o WHERE o.status IN " + OPEN
						+ " AND o.status = 'SENT' AND o.expires_at <= now() ORDER BY o.person_id DESC))";
				yield "true";
			}
			case FAILED, CANCELLED, BOUNCED -> "d.status = '" + standing.name() + "'";
			case NONE -> throw new IllegalArgumentException("those not invited yet have a list of their own");
		};
		return new Driver(table, condition, true, Driver.Kind.STANDING);
	}

	private static long size(JdbcTemplate jdbc, Driver list) {
		Long size = jdbc.queryForObject(
				"SELECT count(*) FROM (SELECT " + (list.distinct() ? "DISTINCT " : "") + "d.person_id FROM "
						+ list.table() + " d WHERE " + list.condition() + " LIMIT " + (NARROW + 1) + ") AS capped",
				Long.class);
		return size == null ? 0 : size;
	}

	private String where(JdbcTemplate jdbc, List<Object> args, @Nullable Driver driver) {
		Driver.Kind driving = driver == null ? null : driver.kind();
		StringBuilder where = new StringBuilder("WHERE true");
		if (query != null) {
			for (String word : query.toLowerCase(Locale.ROOT).split("\\s+")) {
				String like = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
				where.append(" AND (lower(p.first_name) LIKE ? OR lower(p.last_name) LIKE ?"
						+ " OR p.email_normalized LIKE ?)");
				args.addAll(List.of(like, like, like));
			}
		}
		if (group != null && driving != Driver.Kind.GROUP) {
			where.append(holders("group_member", "group_id", id(jdbc, "person_group", group)));
		}
		if (role != null && driving != Driver.Kind.ROLE) {
			where.append(holders("role_assignment", "role_id", id(jdbc, "role", role)));
		}
		if (neverLoggedIn) {
			where.append(" AND p.last_login_at IS NULL");
		}
		if (invitation != null && driving != Driver.Kind.NOT_INVITED) {
			where.append(" AND ").append(standing(invitation));
		}
		return where.toString();
	}

	/**
	 * Has the rest of the transaction's statements planned with their values at every
	 * run, and run without parallel workers; the filter's statements run after it. The
	 * driver prepares a statement on the server once it has run five times on a
	 * connection, and PostgreSQL may then plan it once for all values. Such a plan cannot
	 * read {@code LIKE ?} through the prefix indexes (the prefix is unknown), so it reads
	 * every person and tests each one: about as fast as the index for "smi" (one in a
	 * hundred), but for a rare name or an address, once "smi" had been searched a few
	 * times, the count read all million people (0.3 s on a quiet machine, a second on a
	 * busy one) to find 8. Planning a statement again takes half a millisecond on a
	 * connection that planned it before.
	 * <p>
	 * And without parallel workers: the statements read at most some 10,000 rows through
	 * indexes, and starting workers for that took longer than it saved (the count of a
	 * group of 50,000 took 45 to 60 ms with two workers and 15 ms without, on two busy
	 * cores); nor should a console's view take cores from a run.
	 */
	static void planSettings(JdbcTemplate jdbc) {
		jdbc.execute("SET LOCAL plan_cache_mode = force_custom_plan");
		jdbc.execute("SET LOCAL max_parallel_workers_per_gather = 0");
	}

	/**
	 * The people in a group or holding a role, by its id (looked up first) written into
	 * the statement as a number: the planner then reads from the column's statistics
	 * whether the group holds 20 people or 300,000, and reads its few members first (then
	 * each one's row), or the newest people first and looks each one up among the
	 * members. Named by a subquery, the id was unknown to the planner, which took every
	 * group for a third of the memberships and, to list a council of 20, read all million
	 * people newest first (0.2 s; 1.4 s for those of them with a pending invitation). The
	 * number comes from the lookup, never from the admin's text. No such group or role:
	 * nobody.
	 */
	private static String holders(String table, String column, @Nullable Long id) {
		return id == null ? " AND false"
				: " AND p.id IN (SELECT h.person_id FROM " + table + " h WHERE h." + column + " = " + id + ")";
	}

	private static @Nullable Long id(JdbcTemplate jdbc, String table, String name) {
		List<Long> ids = jdbc.queryForList("SELECT id FROM " + table + " WHERE name = ?", Long.class, name);
		return ids.isEmpty() ? null : ids.get(0);
	}

	/**
	 * The condition of a standing: the open ones read through the index that keeps a
	 * person to one open invitation of each kind, the closed ones through the index of
	 * closed invitations by person and status, which answers "did they accept one?" from
	 * the index alone; the few not delivered or cancelled also through their own index by
	 * status and person, which gives exactly them, newest first (V32). The planner
	 * chooses the one that reads fewer.
	 */
	private static String standing(Standing standing) {
		// A sent invitation past its expiry is expired, though still stored as sent
		// (V44).
		String open = "EXISTS (SELECT 1 FROM invitation o WHERE o.person_id = p.id AND o.status IN " + OPEN + " AND "
				+ InvitationStatus.notExpiredSql("o") + ")";
		String expiredUnstored = "EXISTS (SELECT 1 FROM invitation o WHERE o.person_id = p.id AND o.status IN " + OPEN
				+ " AND o.status = 'SENT' AND o.expires_at <= now())";
		String accepted = closed("= 'ACCEPTED'");
		String nothingNewer = " AND NOT " + open + " AND NOT " + accepted;
		return switch (standing) {
			case NONE -> "EXISTS (SELECT 1 FROM person_not_invited u WHERE u.person_id = p.id)";
			case PENDING -> "EXISTS (SELECT 1 FROM invitation o WHERE o.person_id = p.id AND o.status = 'SENT'"
					+ " AND o.status IN " + OPEN + " AND o.expires_at > now())";
			case ACCEPTED -> accepted;
			case EXPIRED -> "(" + closed("= 'EXPIRED'") + " OR " + expiredUnstored + ")" + nothingNewer;
			case FAILED -> closed("= 'FAILED'") + nothingNewer;
			case CANCELLED -> closed("= 'CANCELLED'") + nothingNewer;
			case BOUNCED -> closed("= 'BOUNCED'") + nothingNewer;
		};
	}

	/**
	 * A closed invitation of the person whose status is so; the index's own condition is
	 * repeated so that the planner takes it.
	 */
	private static String closed(String status) {
		return "EXISTS (SELECT 1 FROM invitation c WHERE c.person_id = p.id AND c.status NOT IN " + OPEN
				+ " AND c.status " + status + ")";
	}

	private static @Nullable String blank(@Nullable String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

}
