package org.invitations.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The two parts a query over invitations reads, each through its own indexes: those past
 * delivery ("settled"), which the paging indexes by status, spec and run hold (V26), and
 * the queued and sending ones, which only the queue's index holds. The paging indexes
 * take an invitation once, when its message is sent or refused, rather than at each of
 * the three writes a run makes to it; the queued and sending are few outside a run.
 * <p>
 * A part's condition is written exactly as the indexes' predicates are, so that
 * PostgreSQL sees that they apply; a list newest first reads each part newest first and
 * merges them, a count adds them up.
 */
final class SettledParts {

	static final String SETTLED = "i.status NOT IN ('QUEUED', 'SENDING')";

	static final String PENDING = "i.status IN ('QUEUED', 'SENDING')";

	/** The open ones past delivery, as the index of a run's open invitations has them. */
	static final String SETTLED_OPEN = SETTLED + " AND i.status IN ('SENT', 'DEFERRED')";

	private SettledParts() {
	}

	/**
	 * The parts that may hold invitations of this status filter ({@code null}, a status,
	 * {@code pending} or {@code open}).
	 */
	static List<String> of(@Nullable String status) {
		if (status == null || status.equalsIgnoreCase("open")) {
			return List.of(SETTLED, PENDING);
		}
		String upper = status.toUpperCase(Locale.ROOT);
		return upper.equals("QUEUED") || upper.equals("SENDING") ? List.of(PENDING) : List.of(SETTLED);
	}

	/** The parts holding the open invitations of this status filter. */
	static List<String> open(@Nullable String status) {
		return of(status).stream().map(part -> part.equals(SETTLED) ? SETTLED_OPEN : part).toList();
	}

	/**
	 * One query for several parts: {@code query} makes a part's query (with its arguments
	 * added to the list) from its condition; parts are joined by {@code UNION ALL}, each
	 * in parentheses.
	 */
	static String union(List<String> parts, List<Object> args, Function<String, Query> query) {
		List<String> sql = new ArrayList<>();
		for (String part : parts) {
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
