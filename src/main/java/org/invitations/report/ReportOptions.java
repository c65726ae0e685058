package org.invitations.report;

/**
 * How a report is written.
 *
 * @param outcome only rows of this outcome, or {@code null} for all
 * @param byteOrderMark CSV: start with a UTF-8 byte order mark, so that spreadsheets read
 * the file as UTF-8
 * @param sentRowLimit HTML: at most this many sent (or would-send) rows after the problem
 * rows; the rest are counted, not shown. {@link Long#MAX_VALUE} shows all
 */
public record ReportOptions(String outcome, boolean byteOrderMark, long sentRowLimit) {

	/**
	 * HTML shows the problem rows in full and this many sent rows, so a large run's
	 * report still opens.
	 */
	public static final long DEFAULT_SENT_ROW_LIMIT = 1000;

	public static ReportOptions defaults() {
		return new ReportOptions(null, true, DEFAULT_SENT_ROW_LIMIT);
	}

}
