package org.invitations;

import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report in every format, from a run with every kind of outcome and hostile input:
 * the HTML parses and shows the totals and reasons, escaping everything; the CSV reads
 * back to the same values; the JSON meets its schema.
 */
class ReportsIT extends ScriptedSmtpTest {

	/**
	 * Every problem a run can have, next to names a browser or a spreadsheet would take
	 * for code.
	 */
	private static final String MIXED = """
			email,first_name,last_name,email_active
			anna@example.org,"<script>alert('anna')</script>",Smith,
			refused@example.org,Ben,"<a href=""https://evil.example/"">click</a>",
			"<img src=x onerror=alert(1)>@evil.example",Img,Tag,
			inactive@example.org,Ina,Ctive,false
			anna@example.org,Anna,Again,
			formula@example.org,=HYPERLINK("https://evil.example"),"+1, ""quoted"", two",
			zoe@example.org,Зоя,王小明,
			""";

	private Path mixedRun() throws Exception {
		server.replyToRecipients((to, attempt) -> to.equals("refused@example.org")
				? "550 5.1.1 The email account that you tried to reach does not exist." : null);
		write("mixed.csv", MIXED);
		Path spec = spec("mixed", "mixed.csv", "description: \"Spring <b>volunteers</b> <script>alert(2)</script>\"");
		Result run = cli("run", spec.toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		return spec;
	}

	@Test
	void theHtmlReportShowsTotalsReasonsAndAdviceAndEscapesEverything() throws Exception {
		mixedRun();
		Path html = dir.resolve("report.html");

		Result report = cli("report", lastExecution(), "--format", "html", "--out", html.toString());

		assertThat(report.exitCode()).as(report.err()).isZero();
		Document page = Jsoup.parse(html.toFile(), "UTF-8");
		assertThat(page.select("script, iframe, object, embed, img, link, base, form, [onerror], [onclick]")).isEmpty();
		assertThat(page.select("a[href], [src]")).isEmpty();
		assertThat(page.select("meta[name=viewport]")).hasSize(1);
		String text = page.body().text();
		assertThat(text).contains("Run 1 of 'mixed': execution " + lastExecution() + " COMPLETED",
				"rows read 7 = sent 3 + would-send 0 + skipped 1 + rejected 2 + failed 1 + deferred 0 + queued 0: holds",
				"Spring <b>volunteers</b> <script>alert(2)</script>", "<script>alert('anna')</script> Smith",
				"<img src=x onerror=alert(1)>@evil.example", "Зоя 王小明", "mixed.csv");
		Map<String, String> totals = page.select("section table")
			.first()
			.select("tbody tr")
			.stream()
			.collect(Collectors.toMap(tr -> tr.child(0).text(), tr -> tr.child(1).text()));
		assertThat(totals).containsEntry("SENT", "3")
			.containsEntry("FAILED", "1")
			.containsEntry("SKIPPED", "1")
			.containsEntry("REJECTED", "2")
			.containsEntry("Total", "7");
		assertThat(page.select("svg rect")).hasSizeGreaterThanOrEqualTo(4);
		assertThat(page.select("svg text").eachText()).contains("FAILED", "SMTP_REJECTED");
		assertThat(page.select(".steps li").eachText())
			.anySatisfy(step -> assertThat(step).startsWith("FAILED SMTP_REJECTED (1)")
				.contains("resend")
				.contains("--status failed"));
		// Problems first: the failed row heads the items table.
		List<String> outcomes = page.select("section:last-of-type tbody tr").eachAttr("class");
		assertThat(outcomes).startsWith("FAILED", "REJECTED", "REJECTED", "SKIPPED").endsWith("SENT");
		assertThat(text).contains("SHA-256")
			.contains(jdbc.queryForObject(
					"SELECT parameter_value FROM batch_job_execution_params WHERE parameter_name = 'source.checksum'",
					String.class));
	}

	@Test
	void largeRunsShowEveryProblemAndSayHowManySentRowsAreLeftOut() throws Exception {
		write("many.csv", peopleCsv(1030) + "\nbroken,Bro,Ken\n");
		Result run = cli("run", spec("many", "many.csv", 500).toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		Path html = dir.resolve("many.html");

		assertThat(cli("report", lastExecution(), "--format", "html", "--out", html.toString()).exitCode()).isZero();
		Document page = Jsoup.parse(html.toFile(), "UTF-8");
		assertThat(page.select("tr.REJECTED")).hasSize(1);
		assertThat(page.select("tr.SENT")).hasSize(1000);
		assertThat(page.select(".left-out").text()).contains("30 sent rows are left out")
			.contains("report " + lastExecution() + " --format html --all-rows");

		assertThat(
				cli("report", lastExecution(), "--format", "html", "--all-rows", "--out", html.toString()).exitCode())
			.isZero();
		assertThat(Jsoup.parse(html.toFile(), "UTF-8").select("tr.SENT")).hasSize(1030);
	}

	@Test
	void theCsvExportReadsBackToTheSameValues() throws Exception {
		mixedRun();
		Path file = dir.resolve("report.csv");

		Result report = cli("report", lastExecution(), "--format", "csv", "--out", file.toString());

		assertThat(report.exitCode()).as(report.err()).isZero();
		byte[] bytes = Files.readAllBytes(file);
		assertThat(new String(bytes, 0, 3, StandardCharsets.ISO_8859_1)).isEqualTo("\u00EF\u00BB\u00BF");
		List<CSVRecord> rows;
		try (Reader in = new StringReader(new String(bytes, StandardCharsets.UTF_8).substring(1))) {
			rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
		}
		assertThat(rows).hasSize(7);
		Map<String, CSVRecord> byLine = rows.stream().collect(Collectors.toMap(r -> r.get("line"), r -> r));
		assertThat(byLine.get("2").get("first_name")).isEqualTo("<script>alert('anna')</script>");
		assertThat(byLine.get("3").get("last_name")).isEqualTo("<a href=\"https://evil.example/\">click</a>");
		assertThat(byLine.get("3").get("outcome")).isEqualTo("FAILED");
		assertThat(byLine.get("4").get("email")).isEqualTo("<img src=x onerror=alert(1)>@evil.example");
		// A cell a spreadsheet would run as a formula gets a leading apostrophe, and
		// nothing else changes.
		assertThat(byLine.get("7").get("first_name")).isEqualTo("'=HYPERLINK(\"https://evil.example\")");
		assertThat(byLine.get("7").get("last_name")).isEqualTo("'+1, \"quoted\", two");
		assertThat(byLine.get("8").get("first_name")).isEqualTo("Зоя");
		assertThat(byLine.get("8").get("last_name")).isEqualTo("王小明");
		assertThat(rows.get(0).getParser().getHeaderNames()).containsExactly("item", "line", "email", "outcome",
				"reason", "detail", "invitation_id", "kind", "first_name", "last_name");
		assertThat(report.err()).contains("rows read 7 = sent 3", ": holds");

		Path plain = dir.resolve("plain.csv");
		assertThat(cli("report", lastExecution(), "--format", "csv", "--no-bom", "--out", plain.toString()).exitCode())
			.isZero();
		assertThat(Files.readString(plain)).startsWith("item,line,email,");
	}

	@Test
	void csvNewlinesInValuesStayInsideTheirQuotedCell() throws Exception {
		write("lines.csv",
				"email,first_name,last_name\n\"two\nlines@example.org\",A,B\nok@example.org,\"Ann, \"\"Jr\"\"\",C\n");
		assertThat(cli("run", spec("lines", "lines.csv").toString()).exitCode()).isZero();

		Result report = cli("report", lastExecution(), "--format", "csv", "--no-bom");

		List<CSVRecord> rows = CSVFormat.RFC4180.builder()
			.setHeader()
			.setSkipHeaderRecord(true)
			.get()
			.parse(new StringReader(report.out()))
			.getRecords();
		assertThat(rows).extracting(r -> r.get("email"))
			.containsExactly("two\\u000Alines@example.org", "ok@example.org");
		assertThat(rows.get(1).get("first_name")).isEqualTo("Ann, \"Jr\"");
	}

	@Test
	void theJsonExportMeetsItsSchema() throws Exception {
		mixedRun();

		Result report = cli("report", lastExecution(), "--format", "json");

		assertThat(report.exitCode()).as(report.err()).isZero();
		Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
			.getSchema(getClass().getResourceAsStream("/report-schema.json"));
		List<Error> errors = schema.validate(report.out(), com.networknt.schema.InputFormat.JSON);
		assertThat(errors).isEmpty();
		JsonNode json = new ObjectMapper().readTree(report.out());
		assertThat(json.get("summary").get("invariant").get("holds").asBoolean()).isTrue();
		assertThat(json.get("summary").get("provenance").get("file").asString()).isEqualTo("mixed.csv");
		assertThat(json.get("items")).hasSize(7);
		assertThat(json.get("items_written").asLong()).isEqualTo(7);
		assertThat(json.get("items").get(0).get("first_name").asString()).isEqualTo("<script>alert('anna')</script>");

		String broken = report.out().replace("\"outcome\":\"SENT\"", "\"outcome\":\"MAYBE\"");
		assertThat(schema.validate(broken, com.networknt.schema.InputFormat.JSON)).isNotEmpty();
	}

	@Test
	void reportsOfResendAndExpiryRunsAndOfNothing() throws Exception {
		write("three.csv", peopleCsv(3));
		Path spec = spec("three", "three.csv");
		assertThat(cli("run", spec.toString()).exitCode()).isZero();
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 minute'");

		assertThat(cli("expire").exitCode()).isZero();
		Result expiry = cli("report", lastExecution(), "--format", "json");
		assertThat(expiry.exitCode()).as(expiry.err()).isZero();
		assertThat(expiry.out()).contains("\"kind\":\"expiry\"", "\"EXPIRED\"");

		jdbc.update("UPDATE invitation SET sent_at = sent_at - interval '2 hours'");
		assertThat(cli("resend", spec.toString(), "--status", "expired").exitCode()).isZero();
		Result resend = cli("report", lastExecution());
		assertThat(resend.out()).contains("(resend)", "rows read 3 = sent 3", ": holds");

		Result missing = cli("report", "999", "--format", "html");
		assertThat(missing.exitCode()).isEqualTo(2);
		assertThat(missing.err()).contains("error: no job execution 999");
	}

}
