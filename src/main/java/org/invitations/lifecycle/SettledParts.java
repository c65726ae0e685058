package org.invitations.lifecycle;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.invitation.InvitationStatus;

/**
 * The parts a query over invitations reads, each through an index that gives it newest
 * first. Those past delivery ("settled") are in two paging indexes: by run (V26), and by
 * spec and status (V27); the open ones of a run also in an index of their own (V26). The
 * queued and sending ones are in the queue's index only. The paging indexes take an
 * invitation once, when its message is sent or refused, rather than at both writes a run
 * makes to it (queued, then sent); the queued and sending are few outside a run.
 * <p>
 * Which settled parts a filter needs depends on what it names:
 * <ul>
 * <li>a run: one part, through the index by run;</li>
 * <li>a spec: one part per status, each one range of the index by spec and status;</li>
 * <li>a status alone: one part per spec (found by a skip over that index) and
 * status;</li>
 * <li>none of these: one part, read by key.</li>
 * </ul>
 * A part's condition is written as the indexes' predicates are, so that PostgreSQL sees
 * that they apply. A list newest first reads each part newest first and merges them; a
 * count adds them up.
 */
final class SettledParts {

	static final String SETTLED = "i.status NOT IN ('QUEUED', 'SENDING')";

	static final String PENDING = "i.status IN ('QUEUED', 'SENDING')";

	private static final Set<InvitationStatus> NOT_SETTLED = EnumSet.of(InvitationStatus.QUEUED,
			InvitationStatus.SENDING);

	private static final Set<InvitationStatus> SETTLED_OPEN = EnumSet.of(InvitationStatus.SENT,
			InvitationStatus.DEFERRED);

	private final JdbcTemplate jdbc;

	SettledParts(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** What a filter names, as far as the parts go. */
	record Shape(@Nullable String status, boolean bySpec, boolean byRun) {
	}

	/** A part's condition, to add to the filter's with {@code AND}, and its arguments. */
	record Part(String sql, List<Object> args) {

		static Part of(String sql) {
			return new Part(sql, List.of());
		}

	}

	/** The parts that may hold invitations of this filter. */
	List<Part> of(Shape shape) {
		return parts(shape, false);
	}

	/** The parts holding the open invitations of this filter. */
	List<Part> open(Shape shape) {
		return parts(shape, true);
	}

	private List<Part> parts(Shape shape, boolean onlyOpen) {
		String status = shape.status() == null ? null : shape.status().toLowerCase(Locale.ROOT);
		Set<InvitationStatus> settled = settled(status);
		if (onlyOpen) {
			settled.retainAll(SETTLED_OPEN);
		}
		List<Part> parts = new ArrayList<>();
		if (!settled.isEmpty()) {
			if (shape.byRun()) {
				// The open ones by the index of a run's open invitations.
				parts.add(Part.of(SETTLED + (onlyOpen ? " AND i.status IN " + InvitationStatus.sqlList(settled) : "")));
			}
			else if (shape.bySpec()) {
				settled.forEach(one -> parts.add(Part.of(SETTLED + " AND i.status = '" + one.dbValue() + "'")));
			}
			else if (status != null || onlyOpen) {
				List<String> specs = specs();
				// A spec's sent ones only where it has some on the side of their expiry
				// the filter wants: its part would pass over all the others (V44).
				Set<String> withSent = settled.contains(InvitationStatus.SENT)
						? specsWithSent(specs, "expired".equals(status)) : Set.of();
				for (String spec : specs) {
					settled.stream()
						.filter(one -> one != InvitationStatus.SENT || withSent.contains(spec))
						.forEach(one -> parts
							.add(new Part(SETTLED + " AND i.spec_name = ? AND i.status = '" + one.dbValue() + "'",
									List.of(spec))));
				}
			}
			else {
				parts.add(Part.of(SETTLED));
			}
		}
		if (status == null || status.equals("open") || status.equals("queued") || status.equals("sending")) {
			parts.add(Part.of(PENDING));
		}
		if (parts.isEmpty()) {
			return List.of(Part.of("false"));
		}
		// A sent one past its expiry is not open, though stored as sent (V44).
		return onlyOpen ? parts.stream()
			.map(part -> new Part(part.sql() + " AND " + InvitationStatus.notExpiredSql("i"), part.args()))
			.toList() : parts;
	}

	/**
	 * The condition of a status filter (checked by its caller): a status as readers see
	 * it, {@code pending} (sent, unexpired) or {@code open}.
	 */
	static String statusCondition(String status) {
		return switch (status.toLowerCase(Locale.ROOT)) {
			case "pending" -> InvitationStatus.isSql("i", InvitationStatus.SENT);
			// The stored list first, as the indexes' predicates name it.
			case "open" -> "i.status IN " + InvitationStatus.sqlList(InvitationStatus.OPEN) + " AND "
					+ InvitationStatus.notExpiredSql("i");
			default -> InvitationStatus.isSql("i", InvitationStatus.of(status.toUpperCase(Locale.ROOT)));
		};
	}

	/** The statuses past delivery that a status filter may match. */
	private static Set<InvitationStatus> settled(@Nullable String status) {
		Set<InvitationStatus> settled = EnumSet.complementOf(EnumSet.copyOf(NOT_SETTLED));
		if (status == null) {
			return settled;
		}
		return switch (status) {
			case "open" -> EnumSet.copyOf(SETTLED_OPEN);
			case "pending" -> EnumSet.of(InvitationStatus.SENT);
			// Expired: stored so, or sent and past its expiry (V44).
			case "expired" -> EnumSet.of(InvitationStatus.EXPIRED, InvitationStatus.SENT);
			default -> {
				InvitationStatus one = InvitationStatus.of(status.toUpperCase(Locale.ROOT));
				yield settled.contains(one) ? EnumSet.of(one) : EnumSet.noneOf(InvitationStatus.class);
			}
		};
	}

	/**
	 * The specs of the settled invitations: a recursive skip over the index by spec, one
	 * lookup per spec, however many invitations each has.
	 */
	private List<String> specs() {
		return jdbc.queryForList("""
				WITH RECURSIVE s(name) AS (
				    SELECT min(i.spec_name) FROM invitation i WHERE %1$s
				    UNION ALL
				    SELECT (SELECT min(i.spec_name) FROM invitation i WHERE %1$s AND i.spec_name > s.name)
				    FROM s WHERE s.name IS NOT NULL)
				SELECT name FROM s WHERE name IS NOT NULL
				""".formatted(SETTLED), String.class);
	}

	/**
	 * The specs that have sent invitations past their expiry ({@code expired}) or before
	 * it: one probe each of the index by spec and expiry (V44).
	 */
	private Set<String> specsWithSent(List<String> specs, boolean expired) {
		return new HashSet<>(jdbc.queryForList("""
				SELECT s.name FROM unnest(?::text[]) AS s(name)
				WHERE EXISTS (SELECT 1 FROM invitation i WHERE i.status = 'SENT' AND i.spec_name = s.name
				              AND i.expires_at %s now())
				""".formatted(expired ? "<=" : ">"), String.class, (Object) specs.toArray(String[]::new)));
	}

	/**
	 * One query for several parts: {@code query} makes a part's query (with its arguments
	 * added to the list) from its condition; parts are joined by {@code UNION ALL}, each
	 * in parentheses.
	 */
	static String union(List<Part> parts, List<Object> args, Function<Part, Query> query) {
		List<String> sql = new ArrayList<>();
		for (Part part : parts) {
			Query one = query.apply(part);
			sql.add("(" + one.sql() + ")");
			args.addAll(one.args());
		}
		return String.join(" UNION ALL ", sql);
	}

	/** A part's statement and its arguments. */
	record Query(String sql, List<Object> args) {
	}

}
