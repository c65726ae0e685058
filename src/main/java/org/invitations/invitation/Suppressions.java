package org.invitations.invitation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Every statement on the suppression list ({@code suppression}): the addresses no run may
 * send to again, asked set-based by selection and resend (one statement per chunk) and
 * inside the claim's and the reminders' own queries (one probe per invitation), added to
 * and lifted by admins. A lifted entry keeps its row, with who lifted it and when; at
 * most one entry per address is active (the schema's partial unique index).
 */
public final class Suppressions {

	/** An entry's columns, from alias {@code s}, as {@link #read} reads them. */
	static final String COLUMNS = "s.id AS s_id, s.email AS s_email, s.email_normalized AS s_normalized,"
			+ " s.reason AS s_reason, s.detail AS s_detail, s.source AS s_source, s.suppressed_by AS s_by,"
			+ " s.suppressed_at AS s_at";

	private final JdbcTemplate jdbc;

	public Suppressions(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** An entry added, or the active one the address already had. */
	public record Added(Suppression entry, boolean added) {
	}

	/**
	 * A condition that holds when the address in {@code addressColumn} (a normalised one)
	 * is suppressed: one probe of the index of active entries.
	 */
	public static String exists(String addressColumn) {
		return "EXISTS (SELECT 1 FROM suppression s WHERE s.email_normalized = " + addressColumn
				+ " AND s.lifted_at IS NULL)";
	}

	/**
	 * A join of the active entry, as alias {@code s}, of the address in
	 * {@code addressColumn}, if there is one: its {@link #COLUMNS} are null otherwise.
	 */
	static String joinActive(String addressColumn) {
		return "LEFT JOIN suppression s ON s.email_normalized = " + addressColumn + " AND s.lifted_at IS NULL";
	}

	/** The entry {@link #COLUMNS} selected, or {@code null} when the join found none. */
	static @Nullable Suppression read(ResultSet rs) throws SQLException {
		long id = rs.getLong("s_id");
		if (rs.wasNull()) {
			return null;
		}
		return new Suppression(id, rs.getString("s_email"), rs.getString("s_normalized"),
				SuppressedBecause.valueOf(rs.getString("s_reason")), rs.getString("s_detail"), rs.getString("s_source"),
				rs.getString("s_by"), rs.getTimestamp("s_at").toInstant());
	}

	/**
	 * The active entries of these normalised addresses, by address: one statement for a
	 * chunk.
	 */
	public Map<String, Suppression> activeFor(Collection<String> addresses) {
		Map<String, Suppression> active = new HashMap<>();
		if (addresses.isEmpty()) {
			return active;
		}
		jdbc.query(
				"SELECT " + COLUMNS + " FROM suppression s WHERE s.email_normalized = ANY(?) AND s.lifted_at IS NULL",
				(RowCallbackHandler) rs -> {
					Suppression entry = read(rs);
					active.put(entry.emailNormalized(), entry);
				}, (Object) addresses.toArray(String[]::new));
		return active;
	}

	/** The active entry of an address (in any case), if it is suppressed. */
	public Optional<Suppression> active(String email) {
		return Optional.ofNullable(activeFor(List.of(normalize(email))).get(normalize(email)));
	}

	/**
	 * Active entries, newest first, with an id below {@code before} (all when null),
	 * whose address starts with {@code prefix} (any when null), at most {@code limit}.
	 */
	public List<Suppression> page(@Nullable String prefix, @Nullable Long before, int limit) {
		StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM suppression s WHERE s.lifted_at IS NULL");
		List<Object> args = new java.util.ArrayList<>();
		if (prefix != null && !prefix.isBlank()) {
			sql.append(" AND s.email_normalized LIKE ?");
			args.add(normalize(prefix).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
		}
		if (before != null) {
			sql.append(" AND s.id < ?");
			args.add(before);
		}
		sql.append(" ORDER BY s.id DESC LIMIT ?");
		args.add(limit);
		return jdbc.query(sql.toString(), (rs, n) -> read(rs), args.toArray());
	}

	/**
	 * Suppresses an address; one already suppressed keeps its entry, which is returned.
	 * @throws IllegalArgumentException when the text is no email address
	 */
	public Added add(String email, SuppressedBecause reason, String detail, String source, String by) {
		String address = checked(email);
		if (detail.isBlank()) {
			throw new IllegalArgumentException("a reason is required: why this address is not to be invited");
		}
		// A concurrent lift may free the address between the two statements: try again.
		for (int attempt = 0; attempt < 3; attempt++) {
			List<Suppression> inserted = jdbc.query("""
					INSERT INTO suppression AS s (email_normalized, email, reason, detail, source, suppressed_by)
					VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email_normalized) WHERE lifted_at IS NULL DO NOTHING
					RETURNING %s
					""".formatted(COLUMNS), (rs, n) -> read(rs), normalize(address), address, reason.dbValue(),
					detail.strip(), source, by);
			if (!inserted.isEmpty()) {
				return new Added(inserted.get(0), true);
			}
			Optional<Suppression> existing = active(address);
			if (existing.isPresent()) {
				return new Added(existing.get(), false);
			}
		}
		throw new IllegalStateException(address + " was added and lifted concurrently; try again");
	}

	/** One entry of a list being added at once (an import). */
	public record Entry(String email, SuppressedBecause reason, String detail) {
	}

	/**
	 * Adds many entries in one statement, each with the same source and author; an
	 * address suppressed already (or twice in the list) keeps its first entry.
	 * @return the normalised addresses that were added
	 * @throws IllegalArgumentException when an entry's text is no email address
	 */
	public Set<String> addAll(List<Entry> entries, String source, String by) {
		if (entries.isEmpty()) {
			return Set.of();
		}
		String[] emails = new String[entries.size()];
		String[] normalized = new String[entries.size()];
		String[] reasons = new String[entries.size()];
		String[] details = new String[entries.size()];
		for (int i = 0; i < entries.size(); i++) {
			Entry entry = entries.get(i);
			emails[i] = checked(entry.email());
			normalized[i] = normalize(emails[i]);
			reasons[i] = entry.reason().dbValue();
			details[i] = entry.detail().strip();
		}
		Set<String> added = new HashSet<>();
		jdbc.query("""
				INSERT INTO suppression (email_normalized, email, reason, detail, source, suppressed_by)
				SELECT DISTINCT ON (n) n, e, r, d, ?, ? FROM unnest(?::text[], ?::text[], ?::text[], ?::text[])
				    WITH ORDINALITY AS x(n, e, r, d, position)
				ORDER BY n, position
				ON CONFLICT (email_normalized) WHERE lifted_at IS NULL DO NOTHING
				RETURNING email_normalized
				""", (RowCallbackHandler) rs -> added.add(rs.getString(1)), source, by, normalized, emails, reasons,
				details);
		return added;
	}

	/**
	 * Suppresses the addresses of these invitations (an admin's cancel that asked for
	 * it), each with its invitation as source; addresses suppressed already keep their
	 * entry.
	 * @return how many addresses were added
	 */
	int addForCancelled(List<Long> invitationIds, String detail, String by) {
		if (invitationIds.isEmpty()) {
			return 0;
		}
		return jdbc.update(
				"""
						INSERT INTO suppression (email_normalized, email, reason, detail, source, suppressed_by)
						SELECT DISTINCT ON (i.email_normalized) i.email_normalized, coalesce(i.email, i.email_normalized), ?, ?, 'cancel of invitation ' || i.id, ?
						FROM invitation i WHERE i.id = ANY(?) ORDER BY i.email_normalized, i.id
						ON CONFLICT (email_normalized) WHERE lifted_at IS NULL DO NOTHING
						""",
				SuppressedBecause.ADMIN.dbValue(), detail, by, invitationIds.toArray(Long[]::new));
	}

	/**
	 * Lifts an address's active entry: runs may invite it again; the row stays, with who
	 * lifted it and when.
	 * @return the entry lifted, or empty if the address was not suppressed
	 */
	public Optional<Suppression> lift(String email, String by) {
		return jdbc.query("""
				UPDATE suppression AS s SET lifted_at = now(), lifted_by = ?
				WHERE s.email_normalized = ? AND s.lifted_at IS NULL RETURNING %s
				""".formatted(COLUMNS), (rs, n) -> read(rs), by, normalize(email)).stream().findFirst();
	}

	/**
	 * As {@code person.email_normalized}: trimmed and lower case (the rule of selection's
	 * {@code EmailAddresses}, a package this one may not use).
	 */
	private static String normalize(String email) {
		return email.strip().toLowerCase(Locale.ROOT);
	}

	/**
	 * The address trimmed, if it can be one (as {@link #add} checks it).
	 * @throws IllegalArgumentException saying why it cannot
	 */
	public static String checkAddress(String email) {
		return checked(email);
	}

	/**
	 * The address trimmed, if it can be one: an entry that could never match a person is
	 * a mistake worth saying.
	 */
	private static String checked(String email) {
		String address = email.strip();
		if (address.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
			throw new IllegalArgumentException("an email address has no spaces or control characters");
		}
		int at = address.lastIndexOf('@');
		if (at <= 0 || at == address.length() - 1 || address.indexOf('@') != at || address.length() > 254) {
			throw new IllegalArgumentException("'" + address + "' is not an email address: " + (address.length() > 254
					? "it has more than 254 characters" : "it needs exactly one @ between a name and a domain"));
		}
		return address;
	}

}
