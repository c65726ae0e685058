package org.invitations.source;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import org.invitations.spec.SpecException;
import org.invitations.support.Checksums;

/**
 * Opens import files the same way everywhere: UTF-8 with or without BOM, strict decoding, RFC 4180 with
 * CRLF or LF; and checks a whole file before a run so that a broken file stops the run before anything is
 * written.
 */
public final class CsvFiles {

	/** RFC 4180, but LF accepted as well as CRLF, and empty lines kept so that line numbers stay exact. */
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

	/**
	 * Checks a whole file, streaming, in two passes: bytes (checksum, strict UTF-8 line by line, so that the
	 * error names the right line), then CSV (header, syntax, row count).
	 */
	public static Inspection inspect(Path file) {
		String checksum = checksumAndDecode(file);
		long rows = 0;
		CsvColumns columns;
		try (CSVParser parser = FORMAT.parse(reader(Files.newInputStream(file)))) {
			Iterator<CSVRecord> records = parser.iterator();
			try {
				if (!records.hasNext()) {
					throw new SpecException(file, "line 1", "is empty; a header row is required");
				}
				columns = CsvColumns.of(file, records.next().toList());
				while (records.hasNext()) {
					if (!isBlank(records.next())) {
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

	private static String checksumAndDecode(Path file) {
		MessageDigest digest = Checksums.sha256();
		CharsetDecoder decoder = strictUtf8();
		ByteArrayOutputStream line = new ByteArrayOutputStream(256);
		long lineNumber = 1;
		try (InputStream in = new BufferedInputStream(new DigestInputStream(Files.newInputStream(file), digest),
				1 << 16)) {
			int b;
			while ((b = in.read()) != -1) {
				if (b == '\n') {
					decodeLine(file, decoder, line, lineNumber++);
				}
				else {
					line.write(b);
				}
			}
			decodeLine(file, decoder, line, lineNumber);
		}
		catch (IOException ex) {
			throw new SpecException(file, null, "cannot be read: " + ex.getMessage());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static void decodeLine(Path file, CharsetDecoder decoder, ByteArrayOutputStream line, long number) {
		try {
			decoder.reset().decode(ByteBuffer.wrap(line.toByteArray()));
		}
		catch (CharacterCodingException ex) {
			throw new SpecException(file, "line " + number, "is not valid UTF-8");
		}
		line.reset();
	}

	private static CharsetDecoder strictUtf8() {
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
	}

	static SpecException problem(Path file, long line, RuntimeException ex) {
		Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
		if (cause instanceof CharacterCodingException) {
			return new SpecException(file, "line " + line, "is not valid UTF-8");
		}
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
