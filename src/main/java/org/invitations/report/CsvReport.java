package org.invitations.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Iterator;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import org.invitations.report.ReportQueries.ReportRow;

/**
 * A run's report rows as CSV for spreadsheets: RFC 4180, a header row and the columns of the JSON items, nothing
 * else (the command states the run's invariant beside it). Values are escaped and formula-safe
 * ({@link VisibleText}); the names come last so that scripts reading the earlier columns by position go on working.
 */
final class CsvReport {

	/** The columns, in the order of the JSON schema's item properties. */
	static final String[] COLUMNS = { "item", "line", "email", "outcome", "reason", "detail", "invitation_id", "kind",
			"first_name", "last_name" };

	private static final int BUFFER = 1 << 15;

	private CsvReport() {
	}

	static long write(Iterator<ReportRow> rows, ReportOptions options, Writer out)
			throws IOException {
		if (options.byteOrderMark()) {
			out.write('\uFEFF');
		}
		// The printer writes a character at a time: into a builder of its own, not through the writer's lock.
		StringBuilder buffer = new StringBuilder(BUFFER + 1024);
		CSVPrinter csv = CSVFormat.RFC4180.print(buffer);
		csv.printRecord((Object[]) COLUMNS);
		long written = 0;
		while (rows.hasNext()) {
			ReportRow row = rows.next();
			csv.printRecord(row.item(), row.line(), VisibleText.cell(row.email()), row.outcome(), row.reason(),
					VisibleText.cell(row.detail()), row.invitationId(), row.kind(), VisibleText.cell(row.firstName()),
					VisibleText.cell(row.lastName()));
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
