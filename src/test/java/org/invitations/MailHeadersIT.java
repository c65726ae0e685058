package org.invitations;

import java.io.ByteArrayOutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every name of the demo's input and of hostile imports, sent through the real job to a
 * real SMTP server and read back from the raw message: header lines of at most 78
 * characters, the To display name decoded to the name without format characters
 * (shortened to 200), and the report showing hidden characters escaped.
 */
class MailHeadersIT extends IntegrationTest {

	@Test
	void everyNameArrivesInHeadersByTheRulesAndTheReportShowsHiddenCharactersEscaped() throws Exception {
		Map<String, String> expected = new LinkedHashMap<>();
		try (Reader demo = Files.newBufferedReader(Path.of("jobs/samples/people.csv"))) {
			for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().get().parse(demo)) {
				String name = (row.get("first_name") + " " + row.get("last_name")).strip();
				if (name.chars().noneMatch(Character::isISOControl)) {
					expected.put(name, name);
				}
			}
		}
		expected.put("Bea Baker, Jr.", "Bea Baker, Jr.");
		expected.put("A".repeat(10_000) + " Long", "A".repeat(200));
		expected.put("Evil\u202Egnp.exe Bidi", "Evilgnp.exe Bidi");
		expected.put("Zero\u200BWidth \uFEFFBom", "ZeroWidth Bom");
		expected.put("\u2066Isolate\u2069 \u2067RTL\u2069", "Isolate RTL");
		expected.put("Ze\u0301\u0301nith Ma\u0308rz", "Ze\u0301\u0301nith Ma\u0308rz");
		expected.put("Party \uD83C\uDF89 \uD83D\uDC69\u200D\uD83D\uDC67",
				"Party \uD83C\uDF89 \uD83D\uDC69\uD83D\uDC67");
		expected.put("山田 太郎", "山田 太郎");
		expected.put("محمد عبد الله", "محمد عبد الله");
		expected.put("דוד כהן", "דוד כהן");
		expected.put("\"Quoted\", Back\\slash", "\"Quoted\", Back\\slash");
		expected.put("=?utf-8?B?SGk=?= =?UTF-8?Q?Evil?=", "=?utf-8?B?SGk=?= =?UTF-8?Q?Evil?=");
		StringBuilder csv = new StringBuilder("email,first_name,last_name\n");
		Map<String, String> byAddress = new LinkedHashMap<>();
		int n = 0;
		for (Map.Entry<String, String> name : expected.entrySet()) {
			String address = "person" + ++n + "@example.org";
			byAddress.put(address, name.getValue());
			csv.append(address).append(",\"").append(name.getKey().replace("\"", "\"\"")).append("\",\"\"\n");
		}
		csv.append("evil\u202E@example.org,Evil,Address\n");
		write("names.csv", csv.toString());

		Result run = cli("run", spec("names", "names.csv").toString());

		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		assertThat(received()).hasSize(byAddress.size());
		for (MimeMessage message : received()) {
			InternetAddress to = (InternetAddress) message.getRecipients(MimeMessage.RecipientType.TO)[0];
			assertThat(to.getPersonal()).as(to.getAddress()).isEqualTo(byAddress.get(to.getAddress()));
			String raw = raw(message);
			String headers = raw.substring(0, raw.indexOf("\r\n\r\n"));
			assertThat(headers.split("\r\n")).as(headers)
				.allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
			assertThat(raw.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
			assertThat(headers.chars()).allMatch(c -> c >= 32 && c < 127 || c == '\r' || c == '\n');
		}
		String cjk = byAddress.entrySet()
			.stream()
			.filter(e -> e.getValue().equals("山田 太郎"))
			.findFirst()
			.orElseThrow()
			.getKey();
		assertThat(raw(received().stream().filter(m -> Mails.to(m).equals(cjk)).findFirst().orElseThrow()))
			.contains("To: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <" + cjk + ">");

		String report = cli("report", lastExecution()).out();
		assertThat(report).contains("evil\\u202E@example.org", "local part 'evil\\u202E' is not a plain dot-atom")
			.doesNotContain("\u202E");
		String export = cli("report", lastExecution(), "--format", "csv").out();
		assertThat(export).contains("evil\\u202E@example.org").doesNotContain("\u202E");
		assertThat(export.lines().filter(line -> line.contains(",SENT,")).collect(Collectors.toList()))
			.hasSize(byAddress.size());
	}

	private static String raw(MimeMessage message) {
		try {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			message.writeTo(out);
			return out.toString(StandardCharsets.US_ASCII);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
