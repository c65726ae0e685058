package org.invitations.report;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.invitations.report.ReportQueries.ReportRow;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lines of PostgreSQL's COPY text format, as the server writes them, read back to the
 * values it was given.
 */
class CopyRowsTest {

	private static ReportRow parse(String line) {
		return CopyRows.parse(line.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void readsNumbersTextAndNulls() {
		ReportRow row = parse("42\t43\tanna@example.org\tSENT\t\\N\t250 ok\t7\tINVITATION\tRéka\t李\n");

		assertThat(row).isEqualTo(
				new ReportRow(42, 43L, "anna@example.org", "SENT", null, "250 ok", 7L, "INVITATION", "Réka", "李"));
	}

	@Test
	void undoesTheEscapesOfBackslashTabAndLineBreaks() {
		ReportRow row = parse(
				"1\t\\N\t\\N\tREJECTED\tINVALID_EMAIL\tline 2: a\\tb\\r\\nc\\\\d \\\\N\t\\N\t\\N\t\\N\t\n");

		assertThat(row.line()).isNull();
		assertThat(row.email()).isNull();
		assertThat(row.detail()).isEqualTo("line 2: a\tb\r\nc\\d \\N");
		assertThat(row.invitationId()).isNull();
		assertThat(row.firstName()).isNull();
		assertThat(row.lastName()).isEmpty();
	}

}
