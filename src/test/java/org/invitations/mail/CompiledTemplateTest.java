package org.invitations.mail;

import java.util.List;
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
		Map<String, String> values = Map.of("firstName", "<script>O'Brien & \"co\"</script>", "link",
				"https://x.example.org/p?a=1&token=abc");
		assertThat(compiled.render(values)).isEqualTo(render(source, values, true));
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
		assertThat(compiled.render(Map.of("firstName", "O'Brien & co", "link", "https://x/?a=1&b=2")))
			.isEqualTo("Hello O'Brien & co, open https://x/?a=1&b=2");
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
