package org.invitations.source;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.util.unit.DataSize;

import org.invitations.spec.SpecException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvFilesTest {

	@TempDir
	Path dir;

	@Test
	void readsRowsWithTheLineTheyStartOn() throws Exception {
		Path file = write("""
				email,first_name,last_name,groups
				a@example.org,"Anna, the first",A,x;y
				b@example.org,"Multi
				line",B,

				c@example.org,C,C
				""");
		CsvFiles.Inspection inspection = CsvFiles.inspect(file);
		assertThat(inspection.rows()).isEqualTo(3);
		List<SourceRow> rows = readAll(file, inspection.checksum(), new ExecutionContext());
		assertThat(rows).extracting(SourceRow::line).containsExactly(2L, 3L, 6L);
		assertThat(rows).extracting(SourceRow::itemNumber).containsExactly(1L, 2L, 3L);
		assertThat(rows.get(0).firstName()).isEqualTo("Anna, the first");
		assertThat(rows.get(0).groups()).containsExactly("x", "y");
		assertThat(rows.get(2).problem()).startsWith("WRONG_COLUMN_COUNT:expected 4 fields, found 3");
	}

	@Test
	void restartsAfterTheLastCommittedItem() throws Exception {
		Path file = write("email,first_name,last_name\na@x.org,A,A\nb@x.org,B,B\nc@x.org,C,C\n");
		String checksum = CsvFiles.inspect(file).checksum();
		ExecutionContext saved = new ExecutionContext();
		CsvPersonReader reader = new CsvPersonReader(file, checksum);
		reader.open(new ExecutionContext());
		reader.read();
		reader.update(saved);
		reader.close();
		assertThat(readAll(file, checksum, saved)).extracting(SourceRow::email).containsExactly("b@x.org", "c@x.org");
	}

	@Test
	void refusesAChangedFileOnRestart() throws Exception {
		Path file = write("email,first_name,last_name\na@x.org,A,A\n");
		String checksum = CsvFiles.inspect(file).checksum();
		Files.writeString(file, "email,first_name,last_name\nz@x.org,Z,Z\n");
		assertThatThrownBy(() -> new CsvPersonReader(file, checksum).open(new ExecutionContext()))
			.hasRootCauseMessage(file + " changed since this run started; restore it, or start a new run");
	}

	@Test
	void namesTheLineWhereAnUnterminatedQuoteOpens() throws Exception {
		Path file = write("email,first_name,last_name\na@x.org,A,A\nb@x.org,\"B,B\nc@x.org,C,C\n\nd@x.org,D,D\n");
		assertThatThrownBy(() -> CsvFiles.inspect(file)).isInstanceOf(SpecException.class)
			.hasMessage(file + ": line 3: a quoted field opened here is never closed");
	}

	@Test
	void namesTheLineOfTextAfterAClosingQuote() throws Exception {
		Path file = write("email,first_name,last_name\na@x.org,\"A\" ,A\nb@x.org,\"Multi\nline\"B,B\n");
		assertThatThrownBy(() -> CsvFiles.inspect(file)).isInstanceOf(SpecException.class)
			.hasMessage(file + ": line 4: text follows the closing quote of a quoted field"
					+ " (a quote inside a field is written twice: \"\")");
	}

	@Test
	void rejectsOverLongRecordsAndFieldsAsRowsAndKeepsTheLinesOfTheRowsAfterThem() throws Exception {
		ImportLimits limits = new ImportLimits(DataSize.ofBytes(100), DataSize.ofBytes(40));
		String longName = "N".repeat(41);
		String longRecord = "r@x.org,R" + ",\"a\nb\nc\"".repeat(15);
		Path file = write("email,first_name,last_name\r\n" + "a@x.org,A,A\r\n" + "f@x.org," + longName + ",F\r\n"
				+ longRecord + "\r\n" + "\r\n" + "b@x.org,\"B\nB\",B\r" + "c@x.org,C,C");
		CsvFiles.Inspection inspection = CsvFiles.inspect(file, limits);
		assertThat(inspection.rows()).isEqualTo(5);

		List<SourceRow> rows = readAll(new CsvPersonReader(file, inspection.checksum(), limits),
				new ExecutionContext());

		assertThat(rows).extracting(SourceRow::line).containsExactly(2L, 3L, 4L, 36L, 38L);
		assertThat(rows).extracting(SourceRow::email).containsExactly("a@x.org", null, null, "b@x.org", "c@x.org");
		assertThat(rows.get(1).problem())
			.isEqualTo("FIELD_TOO_LONG:line 3: first_name has 41 characters, more than the limit of 40");
		assertThat(rows.get(2).problem())
			.isEqualTo("RECORD_TOO_LONG:line 4: " + longRecord.length() + " characters, more than the limit of 100");
		assertThat(rows.get(3).firstName()).isEqualTo("B\nB");
		assertThat(List.of(rows.get(0), rows.get(3), rows.get(4))).extracting(SourceRow::problem).containsOnlyNulls();
	}

	@Test
	void restartsPastACutRecordWithTheSameLines() throws Exception {
		ImportLimits limits = new ImportLimits(DataSize.ofBytes(50), DataSize.ofBytes(50));
		Path file = write("email,first_name,last_name\na@x.org,A,A\nr@x.org,\"" + "x\n".repeat(40)
				+ "\",R\nb@x.org,B,B\nc@x.org,C,C\n");
		String checksum = CsvFiles.inspect(file, limits).checksum();
		ExecutionContext saved = new ExecutionContext();
		CsvPersonReader reader = new CsvPersonReader(file, checksum, limits);
		reader.open(new ExecutionContext());
		reader.read();
		reader.read();
		reader.update(saved);
		reader.close();

		List<SourceRow> rest = readAll(new CsvPersonReader(file, checksum, limits), saved);

		assertThat(rest).extracting(SourceRow::email).containsExactly("b@x.org", "c@x.org");
		assertThat(rest).extracting(SourceRow::line).containsExactly(44L, 45L);
	}

	@Test
	void refusesAHeaderOverTheLimit() throws Exception {
		Path file = write("email,first_name,last_name," + "x".repeat(200) + "\na@x.org,A,A,\n");
		assertThatThrownBy(
				() -> CsvFiles.inspect(file, new ImportLimits(DataSize.ofBytes(1000), DataSize.ofBytes(100))))
			.hasMessage(file + ": line 1: the header row is longer than the limit of 100 characters"
					+ " (invitations.import.max-field-length)");
	}

	@Test
	void namesTheLineOfInvalidUtf8() throws Exception {
		Path file = dir.resolve("bad.csv");
		byte[] good = "email,first_name,last_name\na@x.org,A,A\n".getBytes(StandardCharsets.UTF_8);
		byte[] bad = { 'b', '@', 'x', '.', 'o', 'r', 'g', ',', (byte) 0xC3, (byte) 0x28, ',', 'B', '\n' };
		Files.write(file, concat(good, bad));
		assertThatThrownBy(() -> CsvFiles.inspect(file)).hasMessageEndingWith("bad.csv: line 3: is not valid UTF-8");
	}

	private List<SourceRow> readAll(Path file, String checksum, ExecutionContext context) throws Exception {
		return readAll(new CsvPersonReader(file, checksum), context);
	}

	private static List<SourceRow> readAll(CsvPersonReader reader, ExecutionContext context) throws Exception {
		reader.open(context);
		List<SourceRow> rows = new ArrayList<>();
		for (SourceRow row = reader.read(); row != null; row = reader.read()) {
			rows.add(row);
		}
		reader.close();
		return rows;
	}

	private Path write(String content) throws Exception {
		return Files.writeString(dir.resolve("people.csv"), content);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] all = new byte[a.length + b.length];
		System.arraycopy(a, 0, all, 0, a.length);
		System.arraycopy(b, 0, all, a.length, b.length);
		return all;
	}

}
