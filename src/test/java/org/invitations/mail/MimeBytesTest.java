package org.invitations.mail;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quoted-printable bodies and headers written straight into the message's buffer read
 * back, with Jakarta Mail's own decoder and folding, as what was written.
 */
class MimeBytesTest {

	/**
	 * Characters that test every branch: line ends, blanks, dots, '=', 2 to 4 UTF-8
	 * bytes.
	 */
	private static final String[] PIECES = { "a", "Z", " ", "\t", ".", "=", "\n", "\r\n", "\r", "é", "Ł", "€", "😀",
			"\uD800", "x".repeat(80), "<a href=\"https://crm.example.org/p?t=abc\">", "~", "\u007f", "\u0000" };

	@Test
	void randomBodiesDecodeToTheirTextWithLinesOfAtMost76AndNoLeadingDot() throws Exception {
		Random random = new Random(20261206);
		for (int round = 0; round < 2_000; round++) {
			StringBuilder text = new StringBuilder();
			int pieces = random.nextInt(60);
			for (int i = 0; i < pieces; i++) {
				text.append(PIECES[random.nextInt(PIECES.length)]);
			}
			String body = text.toString();
			MessageBuffer out = MessageBuffer.empty();
			MimeBytes.quotedPrintable(out, body);
			byte[] encoded = out.toByteArray();

			String wire = new String(encoded, StandardCharsets.US_ASCII);
			assertThat(wire.chars()).as(body).allMatch(c -> c < 128);
			for (String line : wire.split("\r\n", -1)) {
				assertThat(line.length()).as(body).isLessThanOrEqualTo(76);
				assertThat(line).as(body).doesNotStartWith(".").doesNotContain("\r", "\n");
				assertThat(line).as(body).doesNotEndWith(" ").doesNotEndWith("\t");
			}
			try (InputStream decoded = MimeUtility.decode(new ByteArrayInputStream(encoded), "quoted-printable")) {
				String expected = new String(
						body.replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8),
						StandardCharsets.UTF_8);
				assertThat(new String(decoded.readAllBytes(), StandardCharsets.UTF_8)).as(body).isEqualTo(expected);
			}
		}
	}

	@Test
	void headersAreFoldedAsJakartaMailFoldsThem() {
		for (String value : new String[] { "1.0",
				"<invitation.1234567.0f8fad5b-d9cb-469f-a165-70867728950e@example.org>", "<" + "x".repeat(61) + ">",
				"<" + "x".repeat(62) + ">", "<" + "x".repeat(200) + ">",
				"Définissez votre mot de passe pour la Paroisse Saint-Étienne de Montréal et environs",
				"one two three four five six seven eight nine ten eleven twelve thirteen fourteen" }) {
			MessageBuffer out = MessageBuffer.empty();
			MimeBytes.header(out, "Message-ID", value);
			assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
				.isEqualTo(MimeUtility.fold(0, "Message-ID: " + value).replaceAll("[^\\x00-\\x7f]", "?") + "\r\n");
		}
	}

}
