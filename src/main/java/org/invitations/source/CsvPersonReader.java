package org.invitations.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

import org.invitations.spec.SpecException;

/**
 * Streams the data rows of an import file as {@link SourceRow}s, with the line each
 * starts on. Restartable: the item count saved by Spring Batch is replayed on open. A row
 * with the wrong number of fields is still returned, carrying the problem, so that it
 * reaches the report.
 */
public class CsvPersonReader extends AbstractItemCountingItemStreamItemReader<SourceRow> {

	private final Path file;

	private final String expectedChecksum;

	private final ImportLimits limits;

	private LimitedRecordReader limited;

	private CSVParser parser;

	private Iterator<CSVRecord> records;

	private CsvColumns columns;

	private List<String> header;

	/**
	 * Line breaks inside cut records, which the parser never saw and so does not count.
	 */
	private long unseenLines;

	private long lastLine;

	private long itemNumber;

	/**
	 * @param file the import file
	 * @param expectedChecksum the checksum the job instance was started with; a changed
	 * file is refused
	 */
	public CsvPersonReader(Path file, String expectedChecksum) {
		this(file, expectedChecksum, ImportLimits.DEFAULTS);
	}

	/**
	 * @param file the import file
	 * @param expectedChecksum the checksum the job instance was started with; a changed
	 * file is refused
	 * @param limits the longest record and field; a longer record becomes a row with its
	 * problem
	 */
	public CsvPersonReader(Path file, String expectedChecksum, ImportLimits limits) {
		this.file = file;
		this.expectedChecksum = expectedChecksum;
		this.limits = limits;
		setName("csvPersonReader");
	}

	@Override
	protected void doOpen() throws Exception {
		if (expectedChecksum != null && !expectedChecksum.equals(CsvFiles.checksum(file))) {
			throw new ItemStreamException(file + " changed since this run started; restore it, or start a new run");
		}
		limited = CsvFiles.records(file, limits);
		parser = CsvFiles.FORMAT.parse(limited);
		records = parser.iterator();
		header = CsvFiles.header(file, limited, next());
		columns = CsvColumns.of(file, header);
		unseenLines = 0;
		lastLine = parser.getCurrentLineNumber();
		itemNumber = 0;
	}

	@Override
	protected SourceRow doRead() {
		CSVRecord record;
		LimitedRecordReader.Cut cut;
		do {
			if (!records.hasNext()) {
				return null;
			}
			record = next();
			cut = limited.cut(record);
		}
		while (cut == null && CsvFiles.isBlank(record) && advance());
		long line = lastLine + 1;
		if (cut != null) {
			unseenLines += cut.lineBreaks();
		}
		lastLine = parser.getCurrentLineNumber() + unseenLines;
		itemNumber++;
		if (cut != null) {
			return SourceRow.unreadable(itemNumber, line, null, cut.problem(header));
		}
		if (record.size() != columns.size()) {
			String email = columns.email() < record.size() ? record.get(columns.email()) : null;
			return SourceRow.unreadable(itemNumber, line, email,
					"WRONG_COLUMN_COUNT:expected " + columns.size() + " fields, found " + record.size());
		}
		return new SourceRow(itemNumber, line, record.get(columns.email()), record.get(columns.firstName()),
				record.get(columns.lastName()), optional(record, columns.externalId()),
				optional(record, columns.emailActive()), groups(optional(record, columns.groups())), null, null);
	}

	/** Blank lines are not rows; they only move the line count on. */
	private boolean advance() {
		lastLine = parser.getCurrentLineNumber() + unseenLines;
		return true;
	}

	private CSVRecord next() {
		try {
			return records.next();
		}
		catch (UncheckedIOException | IllegalStateException ex) {
			throw CsvFiles.problem(file, parser.getCurrentLineNumber() + unseenLines + 1, ex);
		}
	}

	private static String optional(CSVRecord record, int index) {
		if (index < 0) {
			return null;
		}
		String value = record.get(index);
		return value.isBlank() ? null : value;
	}

	private static List<String> groups(String cell) {
		if (cell == null) {
			return List.of();
		}
		return Arrays.stream(cell.split(";")).map(String::strip).filter(name -> !name.isEmpty()).distinct().toList();
	}

	@Override
	protected void doClose() throws IOException {
		if (parser != null) {
			parser.close();
			parser = null;
		}
	}

}
