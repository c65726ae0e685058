package org.invitations.mail;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile display names and subjects through a whole prepared message, read back by a
 * standard parser: every header line at most 78 characters, no format or control
 * character in a header, and the decoded values exactly the name or subject without them.
 */
class MailHeadersTest {

	private static final Session SESSION = Session.getInstance(new Properties());

	static List<Arguments> names() {
		return List.of(Arguments.of("Anna Smith", "Anna Smith"), Arguments.of("Seán O'Brien, Jr.", "Seán O'Brien, Jr."),
				Arguments.of("A".repeat(10_000), "A".repeat(200)),
				Arguments.of("Anna ".repeat(2_000), ("Anna ".repeat(40)).strip()),
				Arguments.of("Evil\u202Egnp.exe", "Evilgnp.exe"),
				Arguments.of("Zero\u200BWidth \uFEFFBom\u00AD", "ZeroWidth Bom"),
				Arguments.of("\u2066Isolate\u2069 \u2067RTL\u2069 \u2068First\u2069 \u200FMark",
						"Isolate RTL First Mark"),
				Arguments.of("Ze\u0301\u0301\u0301nith Ma\u0308rz", "Ze\u0301\u0301\u0301nith Ma\u0308rz"),
				Arguments.of("Z\u0351\u0352\u0353".repeat(100), ("Z\u0351\u0352\u0353".repeat(50))),
				Arguments.of("Party \uD83C\uDF89 \uD83D\uDC69\u200D\uD83D\uDC67",
						"Party \uD83C\uDF89 \uD83D\uDC69\uD83D\uDC67"),
				Arguments.of("\uD83C\uDF89".repeat(300), "\uD83C\uDF89".repeat(200)), Arguments.of("山田 太郎", "山田 太郎"),
				Arguments.of("محمد عبد الله", "محمد عبد الله"), Arguments.of("דוד כהן", "דוד כהן"),
				Arguments.of("\"Quoted\", Back\\slash <x@y> (c); [d]: e.",
						"\"Quoted\", Back\\slash <x@y> (c); [d]: e."),
				Arguments.of("=?utf-8?B?SGk=?= =?UTF-8?Q?Evil?=", "=?utf-8?B?SGk=?= =?UTF-8?Q?Evil?="),
				Arguments.of("Anna\u00A0Maria\u2028 \t Smith", "Anna Maria Smith"),
				Arguments.of("Lone \uD800 surrogate", "Lone surrogate"),
				Arguments.of("Dr. Maria Fernanda de los Ángeles Rodríguez-Villanueva y García-Montenegro",
						"Dr. Maria Fernanda de los Ángeles Rodríguez-Villanueva y García-Montenegro"),
				Arguments.of("Prof. Dr. Wolfgang Amadeus Friedrich von und zu Hohenzollern-Sigmaringen",
						"Prof. Dr. Wolfgang Amadeus Friedrich von und zu Hohenzollern-Sigmaringen"));
	}

	@ParameterizedTest
	@MethodSource("names")
	void displayNamesFoldAndDecodeToTheNameWithoutFormatCharacters(String name, String expected) throws Exception {
		InternetAddress to = new InternetAddress("anna@example.org", name, "UTF-8");
		MimeMessage parsed = parse(message(to, "Set your password"));

		InternetAddress received = (InternetAddress) parsed.getRecipients(MimeMessage.RecipientType.TO)[0];
		assertThat(received.getAddress()).isEqualTo("anna@example.org");
		assertThat(received.getPersonal()).isEqualTo(expected);
	}

	@ParameterizedTest
	@MethodSource("names")
	void subjectsFoldAndDecodeToTheTextWithoutFormatCharacters(String name, String expected) throws Exception {
		String subject = "Set your password, " + name;
		MimeMessage parsed = parse(message(new InternetAddress("anna@example.org"), subject));

		// A subject is folded, never shortened.
		if (MailHeaders.clean(name).length() <= MailHeaders.MAX_DISPLAY_NAME) {
			assertThat(parsed.getSubject()).isEqualTo("Set your password, " + expected);
		}
		else {
			assertThat(parsed.getSubject()).isEqualTo(subject.strip());
		}
	}

	@org.junit.jupiter.api.Test
	void aNameThatIsOnlyFormatCharactersLeavesTheAddressAlone() throws Exception {
		assertThat(MailHeaders.mailbox("To", "\u200B\u202E \u2066", "anna@example.org"))
			.isEqualTo("To: anna@example.org");
		MimeMessage parsed = parse(message(new InternetAddress("anna@example.org", "\u200B \u202E", "UTF-8"), "Hi"));
		assertThat(((InternetAddress) parsed.getRecipients(MimeMessage.RecipientType.TO)[0]).getPersonal()).isNull();
	}

	@org.junit.jupiter.api.Test
	void aLongAddressGetsALineOfItsOwnOfAtMost998() {
		String address = "a".repeat(64) + "@" + ("d".repeat(60) + ".").repeat(3) + "example.org";
		String line = MailHeaders.mailbox("To", "Zoë Martin", address);
		assertThat(line.split("\r\n")).hasSize(2);
		assertThat(line.split("\r\n")[1]).isEqualTo(" <" + address + ">");
		assertThat(line.split("\r\n")[0]).hasSizeLessThanOrEqualTo(78);
	}

	/**
	 * Every header line within the limits, printable ASCII, and no encoded-word over 75
	 * characters.
	 */
	private static byte[] message(InternetAddress to, String subject) throws Exception {
		PreparedMessage prepared = new PreparedMessage(7, new InternetAddress("Club <club@example.org>"), to, subject,
				"Hello", "<p>Hello</p>", "example.org");
		byte[] bytes = prepared.bytes();
		String wire = new String(bytes, StandardCharsets.US_ASCII);
		String headers = wire.substring(0, wire.indexOf("\r\n\r\n"));
		assertThat(headers.chars()).allMatch(c -> c >= 32 && c < 127 || c == '\r' || c == '\n');
		assertThat(headers.replace("\r\n", "")).doesNotContain("\r", "\n");
		assertThat(headers.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
		assertThat(Arrays.stream(headers.split("[\\s\"]+")).filter(word -> word.startsWith("=?UTF-8?")))
			.allSatisfy(word -> assertThat(word.length()).isLessThanOrEqualTo(75));
		return bytes;
	}

	private static MimeMessage parse(byte[] bytes) throws Exception {
		return new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
	}

}
