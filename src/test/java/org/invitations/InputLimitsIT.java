package org.invitations;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records of 50 MB among valid rows, run by the real command line in a separate JVM with
 * a 256 MB heap: the over-long records are rejected with their line and the limit, the
 * rows around them are sent, the lines of later rows stay right and every row ends in the
 * report.
 */
class InputLimitsIT extends IntegrationTest {

	private static final int FIFTY_MB = 50 << 20;

	@Test
	void fiftyMegabyteRecordsAreRejectedAndTheRowsAroundThemSentInA256MegabyteHeap() throws Exception {
		Path csv = dir.resolve("huge.csv");
		try (BufferedWriter out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
			out.write("email,first_name,last_name\n"); // 1
			out.write("before@example.org,Be,Fore\n"); // 2
			out.write("wide@example.org,"); // 3: a record of many short fields
			repeat(out, "x,", (FIFTY_MB - "wide@example.org,".length()) / 2);
			out.write("\n");
			out.write("between@example.org,Be,Tween\n"); // 4
			out.write("tall@example.org,\""); // 5-1004: one quoted field, 1000 lines
			for (int i = 0; i < 1000; i++) {
				repeat(out, "y", FIFTY_MB / 1000 - 1);
				out.write("\n");
			}
			out.write("\",Tall\r\n");
			out.write("after@example.org,Af,Ter\n"); // 1006
		}
		Path spec = spec("huge", "huge.csv");

		Process child = startChild(spec);
		assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
		String said = Files.readString(dir.resolve("child.log"));

		assertThat(child.exitValue()).as(said).isZero();
		assertThat(said).doesNotContain("OutOfMemoryError");
		Map<Long, String> report = new TreeMap<>();
		jdbc.query("SELECT source_line, outcome, coalesce(reason, ''),"
				+ " CASE WHEN outcome = 'REJECTED' THEN detail ELSE '' END FROM job_report_row", rs -> {
					report.put(rs.getLong(1), String.join(" | ", rs.getString(2), rs.getString(3), rs.getString(4)));
				});
		assertThat(report).containsExactlyEntriesOf(new TreeMap<>(Map.of(2L, "SENT |  | ", 3L,
				"REJECTED | RECORD_TOO_LONG | line 3: 52,428,799 characters, more than the limit of 65,536", 4L,
				"SENT |  | ", 5L,
				"REJECTED | FIELD_TOO_LONG | line 5: first_name has 52,428,002 characters, more than the limit of 16,384",
				1006L, "SENT |  | ")));
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("before@example.org", "between@example.org", "after@example.org");
		assertThat(said).containsPattern("SENT +3\\b")
			.containsPattern("REJECTED +2 +FIELD_TOO_LONG 1, RECORD_TOO_LONG 1")
			.containsPattern("TOTAL +5\\b");
		assertThat(jdbc.queryForObject("SELECT read_count FROM batch_step_execution WHERE step_name = 'select'",
				Long.class))
			.isEqualTo(5);
	}

	private static void repeat(BufferedWriter out, String text, int times) throws IOException {
		String block = text.repeat(4096);
		for (int done = 0; done < times; done += 4096) {
			out.write(block, 0, Math.min(4096, times - done) * text.length());
		}
	}

	private Process startChild(Path spec) throws Exception {
		JdbcConnectionDetails database = context.getBean(JdbcConnectionDetails.class);
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-cp", System.getProperty("java.class.path"), "-Dspring.datasource.url=" + database.getJdbcUrl(),
				"-Dspring.datasource.username=" + database.getUsername(),
				"-Dspring.datasource.password=" + database.getPassword(), "-Dspring.mail.host=127.0.0.1",
				"-Dspring.mail.port=" + SMTP.getSmtp().getPort(),
				"-Dinvitations.mail.from=Example Parish <no-reply@example.org>",
				"org.invitations.InvitationsApplication", "run", spec.toString());
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(dir.resolve("child.log").toFile())
			.start();
	}

}
