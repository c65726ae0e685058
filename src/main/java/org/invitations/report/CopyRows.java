package org.invitations.report;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import org.postgresql.copy.CopyOut;

import org.invitations.report.ReportQueries.ReportRow;

/**
 * Report rows read from a {@code COPY (…) TO STDOUT} in PostgreSQL's text format, one row
 * per message. Unlike a cursor, which waits for each fetch to be asked for, a copy keeps
 * sending while the rows are written, so the database and the writer work at the same
 * time; the socket's buffer is all that is held.
 */
final class CopyRows implements Iterator<ReportRow> {

	/** The columns, in the order the parser expects them. */
	static final String COLUMNS = "r.item_number, r.source_line, r.email, r.outcome, r.reason, r.detail, "
			+ "r.invitation_id, r.kind, p.first_name, p.last_name";

	private static final int FIELDS = 10;

	private final CopyOut copy;

	private byte[] ahead;

	private boolean done;

	CopyRows(CopyOut copy) {
		this.copy = copy;
	}

	@Override
	public boolean hasNext() {
		if (ahead == null && !done) {
			try {
				ahead = copy.readFromCopy();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("cannot read the report rows: " + ex.getMessage(), ex);
			}
			done = ahead == null;
		}
		return ahead != null;
	}

	@Override
	public ReportRow next() {
		if (!hasNext()) {
			throw new NoSuchElementException();
		}
		byte[] row = ahead;
		ahead = null;
		return parse(row);
	}

	/** Ends a copy that was not read to its end, so the connection can be used again. */
	void close() throws SQLException {
		if (copy.isActive()) {
			copy.cancelCopy();
		}
	}

	/**
	 * One line of the text format: tab-separated fields, {@code \N} for null, backslash
	 * escapes, a final newline.
	 */
	static ReportRow parse(byte[] row) {
		String[] fields = new String[FIELDS];
		long[] numbers = new long[3];
		int end = row.length > 0 && row[row.length - 1] == '\n' ? row.length - 1 : row.length;
		int start = 0;
		for (int field = 0; field < FIELDS; field++) {
			int stop = start;
			boolean escaped = false;
			while (stop < end && row[stop] != '\t') {
				escaped |= row[stop] == '\\';
				stop++;
			}
			if (escaped && stop - start == 2 && row[start + 1] == 'N') {
				fields[field] = null;
			}
			else if (field == 0 || field == 1 || field == 6) {
				numbers[field == 0 ? 0 : field == 1 ? 1 : 2] = number(row, start, stop);
				fields[field] = "";
			}
			else {
				fields[field] = escaped ? unescape(row, start, stop)
						: new String(row, start, stop - start, StandardCharsets.UTF_8);
			}
			start = stop + 1;
		}
		return new ReportRow(numbers[0], fields[1] == null ? null : numbers[1], fields[2], fields[3], fields[4],
				fields[5], fields[6] == null ? null : numbers[2], fields[7], fields[8], fields[9]);
	}

	private static long number(byte[] row, int start, int stop) {
		boolean negative = row[start] == '-';
		long value = 0;
		for (int i = negative ? start + 1 : start; i < stop; i++) {
			value = value * 10 + (row[i] - '0');
		}
		return negative ? -value : value;
	}

	/**
	 * COPY TO writes a backslash, newline, carriage return, tab and the other C escapes
	 * as backslash sequences.
	 */
	private static String unescape(byte[] row, int start, int stop) {
		byte[] out = new byte[stop - start];
		int n = 0;
		for (int i = start; i < stop; i++) {
			byte b = row[i];
			if (b != '\\' || i + 1 == stop) {
				out[n++] = b;
				continue;
			}
			byte c = row[++i];
			out[n++] = switch (c) {
				case 'b' -> '\b';
				case 'f' -> '\f';
				case 'n' -> '\n';
				case 'r' -> '\r';
				case 't' -> '\t';
				case 'v' -> 0x0B;
				default -> c;
			};
		}
		return new String(out, 0, n, StandardCharsets.UTF_8);
	}

}
