package org.invitations;

import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Run page's report downloads: HTML, JSON and CSV of one run, written by the report
 * renderer, attachments for a viewer, and an HTML report that runs no script whatever its
 * rows hold.
 */
class ReportDownloadsIT extends ConsoleTest {

	@Test
	void theRunPageOffersTheReportAsHtmlJsonAndCsv() throws Exception {
		write("people.csv",
				peopleCsv(4) + "\n<script>alert(1)</script>,Mallory,Person\n=cmd|' /C calc'!A0,Eve,Person\n");
		Result run = cli("run", spec("downloads", "people.csv").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		long execution = Long.parseLong(lastExecution());
		addUser("vera", "viewer");
		HttpClient browser = signedIn("vera");

		Document page = Jsoup.parse(get(browser, "/runs/" + execution).body());
		String html = page.selectFirst("a#report-html").attr("href").replace("?outcome=", "");
		String json = page.selectFirst("a#report-json").attr("href").replace("?outcome=", "");
		String csv = page.selectFirst("a#report-csv").attr("href").replace("?outcome=", "");
		assertThat(List.of(html, json, csv)).containsExactly("/runs/" + execution + "/report.html",
				"/runs/" + execution + "/report.json", "/runs/" + execution + "/report.csv");

		HttpResponse<String> htmlReport = get(browser, html);
		assertThat(htmlReport.statusCode()).isEqualTo(200);
		assertThat(htmlReport.headers().firstValue("Content-Type")).hasValue("text/html;charset=UTF-8");
		assertThat(htmlReport.headers().firstValue("Content-Disposition"))
			.hasValue("attachment; filename=\"report-" + execution + ".html\"");
		assertThat(htmlReport.headers().allValues("Content-Security-Policy")).singleElement()
			.satisfies(policy -> assertThat(policy).startsWith("default-src 'none'").doesNotContain("script-src"));
		Document report = Jsoup.parse(htmlReport.body());
		assertThat(report.select("script")).isEmpty();
		assertThat(report.select("[onload], [onerror], [onclick]")).isEmpty();
		assertThat(report.selectFirst("meta[http-equiv=Content-Security-Policy]").attr("content"))
			.startsWith("default-src 'none'");
		assertThat(report.text()).contains("<script>alert(1)</script>").contains("downloads");

		HttpResponse<String> jsonReport = get(browser, json);
		assertThat(jsonReport.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
		assertThat(jsonReport.headers().firstValue("Content-Disposition"))
			.hasValue("attachment; filename=\"report-" + execution + ".json\"");
		JsonNode tree = JsonMapper.builder().build().readTree(jsonReport.body());
		assertThat(tree.get("items")).hasSize(6);
		assertThat(tree.at("/summary/execution_id").asLong()).isEqualTo(execution);

		HttpResponse<String> csvReport = get(browser, csv);
		assertThat(csvReport.headers().firstValue("Content-Type")).hasValue("text/csv;charset=UTF-8");
		assertThat(csvReport.headers().firstValue("Content-Disposition"))
			.hasValue("attachment; filename=\"report-" + execution + ".csv\"");
		List<CSVRecord> rows = csvRows(csvReport.body());
		assertThat(rows).hasSize(6);
		assertThat(rows.stream().filter(r -> r.get("outcome").equals("SENT"))).hasSize(4);
		// A value a spreadsheet would run as a formula is not one.
		assertThat(rows.stream().map(r -> r.get("email"))).contains("'=cmd|' /C calc'!A0");

		// One outcome only, as the page's filter shows it.
		HttpResponse<String> rejected = get(browser, csv + "?outcome=REJECTED");
		assertThat(rejected.headers().firstValue("Content-Disposition"))
			.hasValue("attachment; filename=\"report-" + execution + "-REJECTED.csv\"");
		assertThat(csvRows(rejected.body())).hasSize(2).allMatch(r -> r.get("outcome").equals("REJECTED"));
		assertThat(JsonMapper.builder().build().readTree(get(browser, json + "?outcome=REJECTED").body()).get("items"))
			.hasSize(2);

		assertThat(get(browser, "/runs/999999/report.csv").statusCode()).isEqualTo(404);
		assertThat(get(http, html).statusCode()).as("not signed in").isEqualTo(302);
	}

	private static List<CSVRecord> csvRows(String body) throws Exception {
		assertThat(body).startsWith("\uFEFF");
		return CSVFormat.RFC4180.builder()
			.setHeader()
			.setSkipHeaderRecord(true)
			.get()
			.parse(new StringReader(body.substring(1)))
			.getRecords();
	}

}
