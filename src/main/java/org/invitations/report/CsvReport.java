package org.invitations.report;

import java.io.IOException;
import java.io.Writer;
import java.util.Iterator;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import org.invitations.report.ReportQueries.ReportRow;

/**
 * A run's report rows as CSV for spreadsheets: RFC 4180, the columns of the JSON items, a few comment lines
 * ({@code #}) first with the run and its invariant. Values are escaped and formula-safe ({@link VisibleText}).
 */
final class CsvReport {

	/** The columns, in the order of the JSON schema's item properties. */
	static final String[] COLUMNS = { "item", "line", "email", "first_name", "last_name", "outcome", "reason", "detail",
			"invitation_id", "kind" };

	private CsvReport() {
	}

	static long write(RunSummary summary, Iterator<ReportRow> rows, ReportOptions options, Writer out)
			throws IOException {
		if (options.byteOrderMark()) {
			out.write('\uFEFF');
		}
		CSVPrinter csv = CSVFormat.RFC4180.builder().setCommentMarker('#').get().print(out);
		csv.printComment(ReportHeadline.of(summary));
		csv.printComment(summary.invariant());
		csv.printRecord((Object[]) COLUMNS);
		long written = 0;
		while (rows.hasNext()) {
			ReportRow row = rows.next();
			csv.printRecord(row.item(), row.line(), VisibleText.cell(row.email()), VisibleText.cell(row.firstName()),
					VisibleText.cell(row.lastName()), row.outcome(), row.reason(), VisibleText.cell(row.detail()),
					row.invitationId(), row.kind());
			written++;
		}
		csv.flush();
		return written;
	}

}
