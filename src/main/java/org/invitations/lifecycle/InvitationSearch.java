package org.invitations.lifecycle;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.invitation.ByPerson;
import org.invitations.invitation.InvitationStatus;
import org.invitations.invitation.InvitationStore;
import org.invitations.run.BatchMetadata;

/**
 * Invitations by any combination of status, spec, run, group and address, newest first by
 * key; how many match; and cancelling exactly the ones counted. For the console's
 * Invitations page and the API.
 */
@Repository
public class InvitationSearch {

	/** What the status filter accepts besides a stored status. */
	public static final List<String> STATUSES = java.util.stream.Stream
		.concat(java.util.stream.Stream.of("pending", "open"), InvitationStatus.dbValues().stream())
		.toList();

	private final JdbcTemplate jdbc;

	private final InvitationAdmin admin;

	private final SettledParts parts;

	public InvitationSearch(JdbcTemplate jdbc, InvitationAdmin admin) {
		this.jdbc = jdbc;
		this.admin = admin;
		this.parts = new SettledParts(jdbc);
	}

	/**
	 * Which invitations; each part may be {@code null}.
	 *
	 * @param status {@code pending} (sent, unexpired, not accepted), {@code open} (not
	 * yet closed), or a status
	 * @param execution the invitations made by that execution's run
	 * @param email the start of the address
	 * @param invitation one invitation
	 */
	public record Filter(String status, String spec, Long execution, String group, String email, Long invitation) {

		public Filter {
			status = blank(status);
			spec = blank(spec);
			group = blank(group);
			email = blank(email);
			if (status != null && STATUSES.stream().noneMatch(status::equalsIgnoreCase)) {
				throw new IllegalArgumentException(
						"status '" + status + "' is not one of " + String.join(", ", STATUSES));
			}
		}

		private SettledParts.Shape shape() {
			return new SettledParts.Shape(status, spec != null, execution != null);
		}

		public boolean isEmpty() {
			return status == null && spec == null && execution == null && group == null && email == null
					&& invitation == null;
		}

		private String where(List<Object> args) {
			StringBuilder where = new StringBuilder("WHERE true");
			if (status != null) {
				where.append(" AND ").append(SettledParts.statusCondition(status));
			}
			if (spec != null) {
				where.append(" AND i.spec_name = ?");
				args.add(spec);
			}
			if (execution != null) {
				where.append(" AND i.job_instance_id = " + BatchMetadata.instanceOfExecution("?"));
				args.add(execution);
			}
			if (group != null) {
				where.append(" AND i.id IN (" + ByPerson.invitationIds("SELECT m.person_id FROM group_member m"
						+ " JOIN person_group g ON g.id = m.group_id WHERE g.name = ?") + ")");
				args.add(group);
			}
			if (invitation != null) {
				where.append(" AND i.id = ?");
				args.add(invitation);
			}
			if (email != null) {
				where.append(" AND i.id IN ("
						+ ByPerson.invitationIds("SELECT id FROM person WHERE email_normalized LIKE ?") + ")");
				args.add(email.strip()
					.toLowerCase(Locale.ROOT)
					.replace("\\", "\\\\")
					.replace("%", "\\%")
					.replace("_", "\\_") + "%");
			}
			return where.toString();
		}

		private static String blank(String text) {
			return text == null || text.isBlank() ? null : text.strip();
		}

	}

	/** One listed invitation with its person. */
	public record Row(long id, long personId, String email, String kind, String status, String spec, String role,
			int attempts, Instant sentAt, Instant expiresAt, long instanceId, String firstName, String lastName) {

		/** The person's name as stored, or empty. */
		public String name() {
			return ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).strip();
		}

	}

	/**
	 * Matching invitations with an id below {@code before} (all when null), newest first,
	 * at most {@code limit}: each part newest first through its own index, merged.
	 */
	public List<Row> page(Filter filter, Long before, int limit) {
		List<Object> args = new ArrayList<>();
		String union = SettledParts.union(parts.of(filter.shape()), args, part -> {
			List<Object> own = new ArrayList<>();
			String where = where(filter, part, own);
			if (before != null) {
				where += " AND i.id < ?";
				own.add(before);
			}
			own.add(limit);
			// Keys first: the part's page of ids from its index alone (an index-only
			// scan when the filter names only what the index holds), then those rows.
			// Asked for whole rows at once, PostgreSQL walks the primary key backwards
			// instead, hoping to meet the part's rows soon; with earlier runs' rows
			// below a large recent run it read millions (5 s at 11,000,000).
			return new SettledParts.Query(
					"""
							SELECT i.id, i.person_id, coalesce(i.email, i.email_normalized), i.kind, %s, i.spec_name, r.name, i.attempt_count,
							       i.sent_at, i.expires_at, i.job_instance_id
							FROM (SELECT i.id FROM invitation i %s ORDER BY i.id DESC LIMIT ?) AS k
							JOIN invitation i ON i.id = k.id LEFT JOIN role r ON r.id = i.role_id
							"""
						.formatted(InvitationStatus.shownSql("i"), where),
					own);
		});
		args.add(limit);
		// Each listed invitation's person is looked up by key once the page is known.
		return jdbc.query(
				"SELECT parts.*, p.first_name, p.last_name FROM (SELECT * FROM (" + union
						+ ") AS merged ORDER BY 1 DESC LIMIT ?) AS parts LEFT JOIN person p ON p.id = parts.person_id"
						+ " ORDER BY 1 DESC",
				(rs, n) -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
						rs.getString(6), rs.getString(7), rs.getInt(8), instant(rs.getTimestamp(9)),
						instant(rs.getTimestamp(10)), rs.getLong(11), rs.getString(12), rs.getString(13)),
				args.toArray());
	}

	public long count(Filter filter) {
		return sum(parts.of(filter.shape()), filter);
	}

	/**
	 * How many match, counting no further than {@code cap}: a list page says "more than
	 * 10,000" rather than count a million rows on every view. The confirmation of a bulk
	 * action counts exactly.
	 */
	public long countUpTo(Filter filter, long cap) {
		List<Object> args = new ArrayList<>();
		String union = SettledParts.union(parts.of(filter.shape()), args, part -> {
			List<Object> own = new ArrayList<>();
			String where = where(filter, part, own);
			own.add(cap + 1);
			return new SettledParts.Query("SELECT 1 FROM invitation i " + where + " LIMIT ?", own);
		});
		// The cap over all parts too: once the first parts hold enough, the rest are not
		// read. Each part counted to the cap, the pending list read 10,001 rows of each
		// of eleven specs at 11,000,000 invitations (1.4 s before a VACUUM had marked
		// the pages the run and the expiry changed).
		args.add(cap + 1);
		Long count = jdbc.queryForObject(
				"SELECT count(*) FROM (SELECT 1 FROM (" + union + ") AS parts LIMIT ?) AS capped", Long.class,
				args.toArray());
		return count == null ? 0 : Math.min(count, cap + 1);
	}

	/**
	 * How many of the matching invitations are open, so a cancel of them can show the
	 * exact number first.
	 */
	public long countOpen(Filter filter) {
		return sum(parts.open(filter.shape()), filter);
	}

	/**
	 * The matching invitations' distinct specs, for a resend, which goes through each
	 * spec's own template.
	 */
	public List<String> specs(Filter filter) {
		List<Object> args = new ArrayList<>();
		String union = SettledParts.union(parts.of(filter.shape()), args, part -> {
			List<Object> own = new ArrayList<>();
			return new SettledParts.Query("SELECT DISTINCT i.spec_name FROM invitation i " + where(filter, part, own),
					own);
		});
		return jdbc.queryForList("SELECT DISTINCT spec_name FROM (" + union + ") AS parts ORDER BY 1", String.class,
				args.toArray());
	}

	/**
	 * Cancels the matching open invitations, one by one through
	 * {@link InvitationAdmin#cancel}, if they are still exactly the {@code expected}
	 * number the admin confirmed; otherwise cancels nothing.
	 * @return how many were cancelled
	 * @throws IllegalStateException when the number changed since it was shown
	 */
	@Transactional
	public int cancel(Filter filter, long expected, String actor, String reason) {
		return cancel(filter, expected, actor, reason, false).cancelled();
	}

	/**
	 * Cancels as {@link #cancel(Filter, long, String, String)} does; with
	 * {@code suppress}, each cancelled invitation's address also goes on the suppression
	 * list, in the same transaction.
	 */
	@Transactional
	public InvitationStore.Cancelled cancel(Filter filter, long expected, String actor, String reason,
			boolean suppress) {
		List<Long> ids = new ArrayList<>();
		for (SettledParts.Part part : parts.open(filter.shape())) {
			List<Object> args = new ArrayList<>();
			String where = where(filter, part, args);
			ids.addAll(jdbc.queryForList("SELECT i.id FROM invitation i " + where + " ORDER BY i.id FOR UPDATE OF i",
					Long.class, args.toArray()));
		}
		if (ids.size() != expected) {
			throw new IllegalStateException(ids.size() + " open invitations match now, not the " + expected
					+ " confirmed: nothing was cancelled; check the selection again");
		}
		ids.sort(null);
		int cancelled = 0;
		int suppressed = 0;
		for (Long id : ids) {
			InvitationStore.Cancelled one = admin.cancel(id, null, actor, reason, suppress);
			cancelled += one.cancelled();
			suppressed += one.suppressed();
		}
		return new InvitationStore.Cancelled(cancelled, suppressed);
	}

	/** The counts of each part, added up. */
	private long sum(List<SettledParts.Part> parts, Filter filter) {
		long total = 0;
		for (SettledParts.Part part : parts) {
			List<Object> args = new ArrayList<>();
			String where = where(filter, part, args);
			Long count = jdbc.queryForObject("SELECT count(*) FROM invitation i " + where, Long.class, args.toArray());
			total += count == null ? 0 : count;
		}
		return total;
	}

	/** The filter's condition and the part's, their arguments added in that order. */
	private static String where(Filter filter, SettledParts.Part part, List<Object> args) {
		String where = filter.where(args) + " AND " + part.sql();
		args.addAll(part.args());
		return where;
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
