package org.invitations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Logs: at any level no token nor link, and every line of a run names its execution. */
class LogsIT extends IntegrationTest {

	@Test
	void debugLogsOfARunHoldNoTokenNorLinkAndEveryRunLineNamesTheExecution() throws Exception {
		write("people.csv", peopleCsv(7));
		Path spec = spec("logged", "people.csv", 3);
		Path log = dir.resolve("run.log");
		Process child = startChild(spec, log, "-Dlogging.level.root=DEBUG", "-Dlogging.level.org.invitations=TRACE",
				"-Dlogging.level.org.springframework=DEBUG");
		assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
		String output = Files.readString(log);
		assertThat(child.exitValue()).as(output).isZero();
		assertThat(received()).hasSize(7);
		List<String> tokens = received().stream().map(Mails::token).toList();
		assertThat(output.lines().count()).as("DEBUG was on").isGreaterThan(200);
		for (String token : tokens) {
			assertThat(output).doesNotContain(token);
		}
		assertThat(output).doesNotContain("set-password?token=").doesNotContain("token=");

		String execution = lastExecution();
		List<String> runLines = output.lines()
			.filter(line -> line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
			.toList();
		// From the job's start (before it, the execution does not exist yet) to its
		// summary.
		int first = indexOf(runLines, "[execution " + execution + "]");
		assertThat(first).isGreaterThan(indexOf(runLines, "Starting run 1 of 'logged'"));
		int last = indexOf(runLines, "Run 1 of 'logged': execution " + execution + " COMPLETED");
		assertThat(last).isGreaterThan(first);
		assertThat(runLines.subList(first, last + 1))
			.allSatisfy(line -> assertThat(line).contains("[execution " + execution + "]"));
		assertThat(last - first).isGreaterThan(100);
		assertThat(runLines.subList(first, last + 1)).anyMatch(line -> line.contains("step: [select]"))
			.anyMatch(line -> line.contains("step: [deliver]"));
	}

	@Test
	void structuredLogsAreJsonLinesWithTheExecutionId() throws Exception {
		write("people.csv", peopleCsv(2));
		Path log = dir.resolve("run.log");
		Process child = startChild(spec("json", "people.csv"), log, "-Dlogging.structured.format.console=ecs");
		assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
		String output = Files.readString(log);
		assertThat(child.exitValue()).as(output).isZero();
		List<String> json = output.lines().filter(line -> line.startsWith("{")).toList();
		assertThat(json).isNotEmpty();
		assertThat(json).anyMatch(line -> line.contains("\"execution_id\":\"" + lastExecution() + "\"")
				&& line.contains("Run 1 of 'json'"));
	}

	private static int indexOf(List<String> lines, String text) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		throw new AssertionError("no line with " + text + " in\n" + String.join("\n", lines));
	}

}
