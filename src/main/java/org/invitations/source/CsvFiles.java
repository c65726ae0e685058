package org.invitations.source;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import org.invitations.spec.SpecException;
import org.invitations.support.Checksums;

/**
 * Opens import files the same way everywhere: UTF-8 with or without BOM, strict decoding,
 * RFC 4180 with CRLF or LF; and checks a whole file before a run so that a broken file
 * stops the run before anything is written.
 */
public final class CsvFiles {

	/**
	 * RFC 4180, but LF accepted as well as CRLF, and empty lines kept so that line
	 * numbers stay exact.
	 */
	static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

	private CsvFiles() {
	}

	/**
	 * What a pre-run check of a file found.
	 *
	 * @param checksum SHA-256 of the file's bytes, which identifies the run's input
	 * @param rows data rows (not counting the header and blank lines)
	 * @param columns the header's columns
	 */
	public record Inspection(String checksum, long rows, CsvColumns columns) {
	}

	/** {@link #inspect(Path, ImportLimits)} with the default limits. */
	public static Inspection inspect(Path file) {
		return inspect(file, ImportLimits.DEFAULTS);
	}

	/**
	 * Checks a whole file, streaming, in two passes: bytes (checksum, strict UTF-8, so
	 * that the error names the right line), then CSV (header, syntax, row count). A
	 * record over the limits is a row (to be rejected).
	 */
	public static Inspection inspect(Path file, ImportLimits limits) {
		String checksum = checksumAndDecode(file);
		long rows = 0;
		CsvColumns columns;
		try (LimitedRecordReader limited = records(file, limits); CSVParser parser = FORMAT.parse(limited)) {
			Iterator<CSVRecord> records = parser.iterator();
			try {
				if (!records.hasNext()) {
					throw new SpecException(file, "line 1", "is empty; a header row is required");
				}
				columns = CsvColumns.of(file, header(file, limited, records.next()));
				while (records.hasNext()) {
					CSVRecord record = records.next();
					if (limited.cut(record) != null || !isBlank(record)) {
						rows++;
					}
				}
			}
			catch (UncheckedIOException | IllegalStateException ex) {
				throw problem(file, parser.getCurrentLineNumber() + 1, ex);
			}
		}
		catch (IOException ex) {
			throw new SpecException(file, null, "cannot be read: " + ex.getMessage());
		}
		return new Inspection(checksum, rows, columns);
	}

	/** The file's records, none longer than the limits, for {@link #FORMAT} to parse. */
	static LimitedRecordReader records(Path file, ImportLimits limits) throws IOException {
		return new LimitedRecordReader(reader(Files.newInputStream(file)), limits);
	}

	/** The header row's names; a header over the limits is no header. */
	static List<String> header(Path file, LimitedRecordReader limited, CSVRecord first) {
		LimitedRecordReader.Cut cut = limited.cut(first);
		if (cut != null) {
			throw new SpecException(file, "line 1",
					String.format(Locale.ROOT,
							"the header row is longer than the limit of %,d characters (invitations.import.%s)",
							cut.limit(), cut.field() < 0 ? "max-record-length" : "max-field-length"));
		}
		return first.toList();
	}

	/** SHA-256 of the file's bytes. */
	public static String checksum(Path file) {
		MessageDigest digest = Checksums.sha256();
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException ex) {
			throw new SpecException(file, null, "cannot be read: " + ex.getMessage());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * Checksum and strict UTF-8 in one streaming pass, in constant memory however long a
	 * line is: the decoder keeps an incomplete character between blocks, and the line of
	 * a bad byte is the count of LF bytes before it (an LF byte is never part of a
	 * multi-byte character).
	 */
	private static String checksumAndDecode(Path file) {
		MessageDigest digest = Checksums.sha256();
		CharsetDecoder decoder = strictUtf8();
		ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
		CharBuffer chars = CharBuffer.allocate(1 << 16);
		long line = 1;
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
			boolean end = false;
			while (!end) {
				int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
				end = n < 0;
				bytes.position(bytes.position() + Math.max(n, 0));
				bytes.flip();
				CoderResult result;
				do {
					int start = bytes.position();
					chars.clear();
					result = decoder.decode(bytes, chars, end);
					line += lineFeeds(bytes.array(), start, bytes.position());
					if (result.isError()) {
						throw new SpecException(file, "line " + line, "is not valid UTF-8");
					}
				}
				while (result.isOverflow());
				bytes.compact();
			}
			chars.clear();
			if (decoder.flush(chars).isError()) {
				throw new SpecException(file, "line " + line, "is not valid UTF-8");
			}
		}
		catch (IOException ex) {
			throw new SpecException(file, null, "cannot be read: " + ex.getMessage());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static int lineFeeds(byte[] bytes, int from, int to) {
		int count = 0;
		for (int i = from; i < to; i++) {
			if (bytes[i] == '\n') {
				count++;
			}
		}
		return count;
	}

	private static CharsetDecoder strictUtf8() {
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
	}

	static SpecException problem(Path file, long line, RuntimeException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof LimitedRecordReader.SyntaxException syntax) {
				return new SpecException(file, "line " + syntax.line(), syntax.getMessage());
			}
			if (cause instanceof CharacterCodingException) {
				return new SpecException(file, "line " + line, "is not valid UTF-8");
			}
		}
		Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
		return new SpecException(file, "line " + line, "is not valid CSV: " + cause.getMessage());
	}

	/** A strict UTF-8 reader that drops a leading byte order mark. */
	static Reader reader(InputStream raw) throws IOException {
		BufferedInputStream in = new BufferedInputStream(raw);
		in.mark(3);
		byte[] bom = in.readNBytes(3);
		if (!(bom.length == 3 && (bom[0] & 0xFF) == 0xEF && (bom[1] & 0xFF) == 0xBB && (bom[2] & 0xFF) == 0xBF)) {
			in.reset();
		}
		return new InputStreamReader(in, strictUtf8());
	}

	static boolean isBlank(CSVRecord record) {
		return record.size() == 1 && record.get(0).isEmpty();
	}

}
