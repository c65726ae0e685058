package org.invitations.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Iterator;

import org.invitations.report.ReportQueries.ReportRow;

/**
 * A run's report rows as CSV for spreadsheets: RFC 4180, a header row and the columns of
 * the JSON items, nothing else (the command states the run's invariant beside it). Values
 * are escaped and formula-safe ({@link VisibleText}); the names come last so that scripts
 * reading the earlier columns by position go on working.
 */
final class CsvReport {

	/** The columns, in the order of the JSON schema's item properties. */
	static final String[] COLUMNS = { "item", "line", "email", "outcome", "reason", "detail", "invitation_id", "kind",
			"first_name", "last_name" };

	private static final int BUFFER = 1 << 15;

	/**
	 * One RFC 4180 field: quoted (its quotes doubled) when it holds a comma, a quote or a
	 * line break, or begins or ends with a space that a spreadsheet would trim; empty for
	 * {@code null}.
	 */
	static void cell(StringBuilder out, String value) {
		if (value == null || value.isEmpty()) {
			return;
		}
		boolean quote = value.charAt(0) <= ' ' || value.charAt(value.length() - 1) <= ' ';
		for (int i = 0; i < value.length() && !quote; i++) {
			char c = value.charAt(i);
			quote = c == ',' || c == '"' || c == '\r' || c == '\n';
		}
		if (!quote) {
			out.append(value);
			return;
		}
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			out.append(c);
			if (c == '"') {
				out.append('"');
			}
		}
		out.append('"');
	}

	private CsvReport() {
	}

	static long write(Iterator<ReportRow> rows, ReportOptions options, Writer out) throws IOException {
		if (options.byteOrderMark()) {
			out.write('\uFEFF');
		}
		// One row at a time into a builder of its own, handed to the writer in large
		// pieces.
		StringBuilder buffer = new StringBuilder(BUFFER + 1024);
		for (int i = 0; i < COLUMNS.length; i++) {
			buffer.append(i == 0 ? "" : ",").append(COLUMNS[i]);
		}
		buffer.append("\r\n");
		long written = 0;
		while (rows.hasNext()) {
			ReportRow row = rows.next();
			buffer.append(row.item()).append(',');
			if (row.line() != null) {
				buffer.append(row.line().longValue());
			}
			cell(buffer.append(','), VisibleText.cell(row.email()));
			cell(buffer.append(','), row.outcome());
			cell(buffer.append(','), row.reason());
			cell(buffer.append(','), VisibleText.cell(row.detail()));
			buffer.append(',');
			if (row.invitationId() != null) {
				buffer.append(row.invitationId().longValue());
			}
			cell(buffer.append(','), row.kind());
			cell(buffer.append(','), VisibleText.cell(row.firstName()));
			cell(buffer.append(','), VisibleText.cell(row.lastName()));
			buffer.append("\r\n");
			written++;
			if (buffer.length() >= BUFFER) {
				out.append(buffer);
				buffer.setLength(0);
			}
		}
		out.append(buffer);
		return written;
	}

}
