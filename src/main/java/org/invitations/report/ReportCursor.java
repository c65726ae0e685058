package org.invitations.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.report.ReportQueries.ReportRow;

/**
 * Report rows as iterators over copies ({@link CopyRows}) on one connection, so that a
 * template or a generator pulls them one at a time and a run of a million rows is written
 * in flat memory, while the database goes on producing the next ones. The connection is
 * held in one transaction, rolled back at the end, while the body runs.
 */
public final class ReportCursor {

	private final Connection connection;

	/**
	 * The copies begun on the connection: one not read to its end is cancelled before the
	 * connection is reused.
	 */
	private final List<CopyRows> copies = new ArrayList<>();

	private ReportCursor(Connection connection) {
		this.connection = connection;
	}

	/** What a body does with the cursors it opens. */
	public interface Body<T> {

		T apply(ReportCursor cursor) throws Exception;

	}

	/** Runs the body with cursors on one connection, in one read-only transaction. */
	public static <T> T open(JdbcTemplate jdbc, Body<T> body) {
		return jdbc.execute((ConnectionCallback<T>) connection -> {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			ReportCursor cursor = new ReportCursor(connection);
			try {
				try (Statement settings = connection.createStatement()) {
					// A lookup per row costs the planner's guess of a million probes:
					// compiling that plan is all waste.
					settings.execute("SET LOCAL jit = off");
				}
				return body.apply(cursor);
			}
			catch (SQLException | RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
			finally {
				try {
					for (CopyRows copy : cursor.copies) {
						copy.close();
					}
				}
				finally {
					connection.rollback();
					connection.setAutoCommit(autoCommit);
				}
			}
		});
	}

	/** Every row of the run in input order, optionally of one outcome. */
	public Iterator<ReportRow> inInputOrder(long instanceId, String outcome) {
		return rows(where(outcome) + " ORDER BY r.item_number", instanceId, outcome, null);
	}

	/**
	 * The problem rows (all but sent), worst first: failed, deferred, queued, rejected,
	 * skipped; then by input.
	 */
	public Iterator<ReportRow> problems(long instanceId, String outcome) {
		return rows(where(outcome) + """
				 AND r.outcome NOT IN ('SENT', 'WOULD_SEND')
				ORDER BY CASE r.outcome WHEN 'FAILED' THEN 0 WHEN 'DEFERRED' THEN 1 WHEN 'QUEUED' THEN 2
				         WHEN 'REJECTED' THEN 3 ELSE 4 END, r.item_number""", instanceId, outcome, null);
	}

	/** At most {@code limit} sent (or would-send) rows, in input order. */
	public Iterator<ReportRow> sent(long instanceId, String outcome, long limit) {
		return rows(where(outcome) + """
				 AND r.outcome IN ('SENT', 'WOULD_SEND')
				ORDER BY r.item_number LIMIT current_setting('invitations.report.limit')::bigint""", instanceId,
				outcome, limit);
	}

	/**
	 * The rows of one run. Each person is looked up by primary key as its row goes out
	 * (the lateral subquery keeps the planner from joining all of them in a hash and
	 * sorting the result on disk first), in the order of the index on (run, item), so the
	 * first row leaves at once.
	 */
	private static String where(String outcome) {
		return "SELECT " + CopyRows.COLUMNS + """
				 FROM job_report_row r
				LEFT JOIN LATERAL (SELECT first_name, last_name FROM person WHERE id = r.person_id OFFSET 0) p ON true
				WHERE r.job_instance_id = current_setting('invitations.report.instance')::bigint"""
				+ (outcome == null ? "" : " AND r.outcome = current_setting('invitations.report.outcome')");
	}

	/**
	 * The copy starts on the first look, so a template that never reaches its table never
	 * runs it. COPY takes no bind parameters: the values go in as settings of this
	 * transaction, bound like any other parameter.
	 */
	private Iterator<ReportRow> rows(String query, long instanceId, String outcome, Long limit) {
		return new Iterator<>() {

			private CopyRows rows;

			@Override
			public boolean hasNext() {
				if (rows == null) {
					rows = start(query, instanceId, outcome, limit);
				}
				return rows.hasNext();
			}

			@Override
			public ReportRow next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				return rows.next();
			}

		};
	}

	private CopyRows start(String query, long instanceId, String outcome, Long limit) {
		try {
			for (CopyRows earlier : copies) {
				earlier.close();
			}
			try (PreparedStatement settings = connection.prepareStatement("""
					SELECT set_config('invitations.report.instance', ?, true),
					       set_config('invitations.report.outcome', ?, true),
					       set_config('invitations.report.limit', ?, true)""")) {
				settings.setString(1, Long.toString(instanceId));
				settings.setString(2, outcome == null ? "" : outcome);
				settings.setString(3, limit == null ? "0" : Long.toString(limit));
				settings.execute();
			}
			CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT");
			CopyRows rows = new CopyRows(copy);
			copies.add(rows);
			return rows;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("cannot read the report rows: " + ex.getMessage(), ex);
		}
	}

}
