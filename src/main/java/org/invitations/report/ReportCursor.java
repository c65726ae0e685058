package org.invitations.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.report.ReportQueries.ReportRow;

/**
 * Report rows as iterators over server-side cursors on one connection, so that a template or a generator pulls
 * them one at a time and a run of a million rows is written in flat memory. PostgreSQL keeps a cursor (fetch
 * size) only outside auto-commit, so the connection is held in a read-only transaction while the body runs.
 */
public final class ReportCursor {

	private static final int FETCH_SIZE = 10_000;

	private final Connection connection;

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
			try {
				return body.apply(new ReportCursor(connection));
			}
			catch (SQLException | RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
			finally {
				connection.rollback();
				connection.setAutoCommit(autoCommit);
			}
		});
	}

	/** Every row of the run in input order, optionally of one outcome. */
	public Iterator<ReportRow> inInputOrder(long instanceId, String outcome) {
		return rows(ReportQueries.ROWS + """
				WHERE r.job_instance_id = ? AND (?::text IS NULL OR r.outcome = ?) ORDER BY r.item_number
				""", instanceId, outcome, outcome);
	}

	/** The problem rows (all but sent), worst first: failed, deferred, queued, rejected, skipped; then by input. */
	public Iterator<ReportRow> problems(long instanceId, String outcome) {
		return rows(ReportQueries.ROWS + """
				WHERE r.job_instance_id = ? AND r.outcome NOT IN ('SENT', 'WOULD_SEND')
				  AND (?::text IS NULL OR r.outcome = ?)
				ORDER BY CASE r.outcome WHEN 'FAILED' THEN 0 WHEN 'DEFERRED' THEN 1 WHEN 'QUEUED' THEN 2
				         WHEN 'REJECTED' THEN 3 ELSE 4 END, r.item_number
				""", instanceId, outcome, outcome);
	}

	/** At most {@code limit} sent (or would-send) rows, in input order. */
	public Iterator<ReportRow> sent(long instanceId, String outcome, long limit) {
		return rows(ReportQueries.ROWS + """
				WHERE r.job_instance_id = ? AND r.outcome IN ('SENT', 'WOULD_SEND')
				  AND (?::text IS NULL OR r.outcome = ?)
				ORDER BY r.item_number LIMIT ?
				""", instanceId, outcome, outcome, limit);
	}

	/** The query runs on the first look, so a template that never reaches its table never runs it. */
	private Iterator<ReportRow> rows(String sql, Object... args) {
		return new Iterator<>() {

			private PreparedStatement statement;

			private ResultSet rs;

			private Boolean ahead;

			@Override
			public boolean hasNext() {
				try {
					if (ahead == null) {
						if (rs == null && statement == null) {
							statement = connection.prepareStatement(sql);
							statement.setFetchSize(FETCH_SIZE);
							for (int i = 0; i < args.length; i++) {
								statement.setObject(i + 1, args[i]);
							}
							rs = statement.executeQuery();
						}
						ahead = rs != null && rs.next();
						if (!ahead && statement != null) {
							statement.close();
							rs = null;
						}
					}
					return ahead;
				}
				catch (SQLException ex) {
					throw new IllegalStateException("cannot read the report rows: " + ex.getMessage(), ex);
				}
			}

			@Override
			public ReportRow next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				ahead = null;
				try {
					return ReportQueries.row(rs);
				}
				catch (SQLException ex) {
					throw new IllegalStateException("cannot read the report rows: " + ex.getMessage(), ex);
				}
			}

		};
	}

}
