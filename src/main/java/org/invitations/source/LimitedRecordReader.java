package org.invitations.source;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

import org.apache.commons.csv.CSVRecord;

/**
 * Hands Commons CSV one whole record at a time and never one longer than the limits: the
 * parser keeps a whole field in memory, so a 50 MB line would exhaust the heap before any
 * check of ours could run. An over-long record is read on to its end (quote-aware, in
 * constant memory) and replaced by a one-character placeholder record; {@link #cut} tells
 * which record that was and why. It also names the line of the two syntax errors that the
 * parser would only describe in its own words.
 */
final class LimitedRecordReader extends Reader {

	/**
	 * Stands in for a cut record; only the record number identifies a cut, never this
	 * text.
	 */
	private static final char PLACEHOLDER = '\u0000';

	private enum State {

		FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, AFTER_QUOTE

	}

	/**
	 * A record that the parser sees only as a placeholder.
	 *
	 * @param recordNumber the record's number as the parser counts it (the header is 1,
	 * blank lines count)
	 * @param line the line it starts on
	 * @param lineBreaks line breaks inside its quoted fields, which the parser never saw
	 * @param field the field that was too long, or -1 when the record as a whole was
	 * @param length the length of that field, or of the whole record
	 * @param limit the limit it exceeded
	 */
	record Cut(long recordNumber, long line, long lineBreaks, int field, long length, int limit) {

		/** Why the row is refused, as {@link SourceRow#problem()} carries it. */
		String problem(List<String> header) {
			if (field < 0) {
				return String.format(Locale.ROOT, "RECORD_TOO_LONG:line %d: %,d characters, more than the limit of %,d",
						line, length, limit);
			}
			String name = field < header.size() ? header.get(field).strip() : "field " + (field + 1);
			return String.format(Locale.ROOT,
					"FIELD_TOO_LONG:line %d: %s has %,d characters, more than the limit of %,d", line, name, length,
					limit);
		}

	}

	/** A syntax error found before the parser saw it, with the line it belongs to. */
	static final class SyntaxException extends IOException {

		private final long line;

		SyntaxException(long line, String problem) {
			super(problem);
			this.line = line;
		}

		long line() {
			return line;
		}

	}

	private final Reader in;

	private final int maxRecord;

	private final int maxField;

	private final char[] input = new char[8192];

	private int inputPos;

	private int inputEnd;

	private int last = -1;

	/**
	 * The record the parser is being handed: its characters and terminator, at most the
	 * limit plus two.
	 */
	private char[] record = new char[512];

	private int recordPos;

	private int recordEnd;

	private long line = 1;

	private long records;

	private final ArrayDeque<Cut> cuts = new ArrayDeque<>();

	LimitedRecordReader(Reader in, ImportLimits limits) {
		this.in = in;
		this.maxRecord = limits.maxRecord();
		this.maxField = limits.maxField();
	}

	/**
	 * The cut that {@code parsed} stands for, or {@code null} when it is a record as
	 * written.
	 */
	Cut cut(CSVRecord parsed) {
		Cut next = cuts.peek();
		if (next != null && next.recordNumber() == parsed.getRecordNumber()) {
			return cuts.poll();
		}
		return null;
	}

	@Override
	public int read(char[] buffer, int offset, int length) throws IOException {
		if (length == 0) {
			return 0;
		}
		if (recordPos == recordEnd && !nextRecord()) {
			return -1;
		}
		int n = Math.min(length, recordEnd - recordPos);
		System.arraycopy(record, recordPos, buffer, offset, n);
		recordPos += n;
		return n;
	}

	/**
	 * Reads the next record into the buffer, by the rules of RFC 4180 as Commons CSV
	 * applies them.
	 */
	private boolean nextRecord() throws IOException {
		recordPos = 0;
		recordEnd = 0;
		long startLine = line;
		long length = 0;
		long fieldLength = 0;
		int field = 0;
		long quoteLine = 0;
		State state = State.FIELD_START;
		boolean cut = false;
		int cutField = -1;
		long cutLength = 0;
		boolean any = false;
		int terminator = -1;
		while (true) {
			int c = nextChar();
			if (c < 0) {
				if (state == State.QUOTED) {
					throw new SyntaxException(quoteLine, "a quoted field opened here is never closed");
				}
				if (!any) {
					return false;
				}
				break;
			}
			any = true;
			if (state == State.QUOTED) {
				if (c == '"') {
					state = State.QUOTE_IN_QUOTED;
				}
			}
			else if (state == State.QUOTE_IN_QUOTED && c == '"') {
				state = State.QUOTED;
			}
			else {
				if (state == State.QUOTE_IN_QUOTED) {
					state = State.AFTER_QUOTE;
				}
				if (c == '\r' || c == '\n') {
					terminator = c;
					break;
				}
				if (c == ',') {
					if (cutField == field) {
						cutLength = fieldLength;
					}
					field++;
					fieldLength = -1;
					state = State.FIELD_START;
				}
				else if (state == State.FIELD_START) {
					state = c == '"' ? State.QUOTED : State.UNQUOTED;
					quoteLine = line;
				}
				else if (state == State.AFTER_QUOTE && !Character.isWhitespace(c)) {
					throw new SyntaxException(line, "text follows the closing quote of a quoted field"
							+ " (a quote inside a field is written twice: \"\")");
				}
			}
			length++;
			fieldLength++;
			if (!cut) {
				if (fieldLength > maxField) {
					cut = true;
					cutField = field;
				}
				else if (length > maxRecord) {
					cut = true;
				}
				else {
					store((char) c);
				}
			}
		}
		if (cutField == field) {
			cutLength = fieldLength;
		}
		// The terminator's own line break is seen by the parser; the ones before it,
		// inside quotes, are not.
		long breaks = line - startLine - (terminator < 0 ? 0 : 1);
		records++;
		if (cut) {
			recordEnd = 0;
			store(PLACEHOLDER);
			cuts.add(cutField < 0 ? new Cut(records, startLine, breaks, -1, length, maxRecord)
					: new Cut(records, startLine, breaks, cutField, cutLength, maxField));
		}
		if (terminator >= 0) {
			store((char) terminator);
			if (terminator == '\r' && peek() == '\n') {
				store((char) nextChar());
			}
		}
		return true;
	}

	private void store(char c) {
		if (recordEnd == record.length) {
			record = java.util.Arrays.copyOf(record, Math.min(record.length * 2, maxRecord + 2));
		}
		record[recordEnd++] = c;
	}

	/**
	 * The next character, counting lines as the parser does: CR, LF and CRLF each end
	 * one.
	 */
	private int nextChar() throws IOException {
		if (inputPos == inputEnd && !fill()) {
			return -1;
		}
		char c = input[inputPos++];
		if (c == '\r' || (c == '\n' && last != '\r')) {
			line++;
		}
		last = c;
		return c;
	}

	private int peek() throws IOException {
		if (inputPos == inputEnd && !fill()) {
			return -1;
		}
		return input[inputPos];
	}

	private boolean fill() throws IOException {
		int n;
		do {
			n = in.read(input, 0, input.length);
		}
		while (n == 0);
		inputPos = 0;
		inputEnd = Math.max(n, 0);
		return n > 0;
	}

	@Override
	public void close() throws IOException {
		in.close();
	}

}
