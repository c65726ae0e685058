package org.invitations.mail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.StringTemplateResolver;

import static org.assertj.core.api.Assertions.assertThat;

class CompiledTemplateTest {

	private final List<String> variables = List.of("firstName", "link");

	@Test
	void aTemplateThatOnlyPrintsVariablesRendersLikeThymeleaf() {
		String source = "<p>Hi <b th:text=\"${firstName}\">x</b>, <a th:href=\"${link}\">go</a> <span th:title=\"|Dear ${firstName}|\">.</span></p>";
		CompiledTemplate compiled = CompiledTemplate.compile(source, variables, true,
				values -> render(source, values, true));
		assertThat(compiled).isNotNull();
		String[] values = { "<script>O'Brien & \"co\"</script>", "https://x.example.org/p?a=1&token=abc" };
		assertThat(compiled.render(values)).isEqualTo(render(source, map(values), true));
		assertThat(compiled.render(values)).doesNotContain("<script>");
	}

	@Test
	void aTemplateWithLogicIsLeftToThymeleaf() {
		String source = "<p th:if=\"${firstName}\" th:text=\"${firstName}\">x</p>";
		assertThat(CompiledTemplate.compile(source, variables, true, values -> render(source, values, true))).isNull();
		String utility = "<p th:text=\"${#strings.toUpperCase(firstName)}\">x</p>";
		assertThat(CompiledTemplate.compile(utility, variables, true, values -> render(utility, values, true)))
			.isNull();
	}

	@Test
	void textTemplatesAreNotEscaped() {
		String source = "Hello [(${firstName})], open [(${link})]";
		CompiledTemplate compiled = CompiledTemplate.compile(source, variables, false,
				values -> render(source, values, false));
		assertThat(compiled).isNotNull();
		assertThat(compiled.render(new String[] { "O'Brien & co", "https://x/?a=1&b=2" }))
			.isEqualTo("Hello O'Brien & co, open https://x/?a=1&b=2");
	}

	/**
	 * Every built-in template, filled with random values full of what quoted-printable
	 * treats specially (line breaks, blanks before them, dots, '=', non-ASCII, long
	 * lines): the encoded lines are exactly the encoding of the rendered text, and the
	 * title alone gives the subject the whole page gives.
	 */
	@Test
	void encodedOutputAndTitleAreThoseOfTheRenderedText() throws Exception {
		List<String> names = new ArrayList<>();
		try (var sets = Files.list(Path.of("src/main/resources/mail"))) {
			for (Path set : sets.toList()) {
				try (var files = Files.list(set)) {
					files.forEach(file -> names.add(set.getFileName() + "/" + file.getFileName()));
				}
			}
		}
		assertThat(names).contains("default/invitation.html", "default/invitation.txt");
		Random random = new Random(22);
		for (String name : names) {
			String source = Files.readString(Path.of("src/main/resources/mail", name));
			boolean html = name.endsWith(".html");
			CompiledTemplate compiled = CompiledTemplate.compile(source, MailComposer.VARIABLES, html,
					values -> render(source, values, html));
			assertThat(compiled).as(name).isNotNull();
			CompiledTemplate title = compiled.part(TITLE);
			assertThat(title != null).as(name).isEqualTo(html);
			for (int n = 0; n < 300; n++) {
				String[] values = new String[MailComposer.VARIABLES.size()];
				for (int i = 0; i < values.length; i++) {
					values[i] = n == 0 ? null : awkward(random);
				}
				String rendered = compiled.render(values);
				MessageBuffer whole = MessageBuffer.empty();
				MimeBytes.quotedPrintable(whole, rendered);
				byte[] expected = whole.toByteArray();
				MessageBuffer lines = MessageBuffer.empty();
				compiled.encode(lines, values);
				assertThat(new String(lines.toByteArray(), StandardCharsets.ISO_8859_1)).as(name)
					.isEqualTo(new String(expected, StandardCharsets.ISO_8859_1));
				if (html) {
					assertThat(title.render(values)).as(name).isEqualTo(firstTitle(rendered));
				}
			}
		}
	}

	@Test
	void aTitleWhoseTagHoldsAGapIsNotTakenApart() {
		String source = "<html><head><title th:title=\"${firstName}\" th:text=\"${link}\">x</title></head></html>";
		CompiledTemplate compiled = CompiledTemplate.compile(source, variables, true,
				values -> render(source, values, true));
		assertThat(compiled).isNotNull();
		assertThat(compiled.part(TITLE)).isNull();
	}

	private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>",
			Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

	private static String firstTitle(String html) {
		Matcher matcher = TITLE.matcher(html);
		assertThat(matcher.find()).isTrue();
		return matcher.group(1);
	}

	private static final String[] PIECES = { "\n", "\r\n", "\r", " ", "\t", ".", "=", "é", "\uD83D\uDE00", "\uD800",
			"<", "&amp;", "\"", "a", "Zoë", " \n", ".\n", "x".repeat(80), "=".repeat(40), "</title>" };

	private static String awkward(Random random) {
		StringBuilder value = new StringBuilder();
		int pieces = random.nextInt(12);
		for (int i = 0; i < pieces; i++) {
			value.append(PIECES[random.nextInt(PIECES.length)]);
		}
		return value.toString();
	}

	private Map<String, String> map(String[] values) {
		Map<String, String> map = new java.util.HashMap<>();
		for (int i = 0; i < values.length; i++) {
			map.put(variables.get(i), values[i]);
		}
		return map;
	}

	private static String render(String source, Map<String, String> values, boolean html) {
		SpringTemplateEngine engine = new SpringTemplateEngine();
		StringTemplateResolver resolver = new StringTemplateResolver();
		resolver.setTemplateMode(html ? TemplateMode.HTML : TemplateMode.TEXT);
		engine.setTemplateResolver(resolver);
		Context context = new Context();
		values.forEach(context::setVariable);
		return engine.process(source, context);
	}

}
