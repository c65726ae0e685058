package org.invitations;

import java.net.http.HttpResponse;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's OpenAPI document: served to API keys only, and listing exactly the API's
 * controllers and methods.
 */
class ConsoleOpenApiIT extends ConsoleTest {

	private static final String DOCUMENT = "/api/v1/openapi.json";

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Test
	void theDocumentListsEveryApiOperationOfTheControllersAndNothingElse() throws Exception {
		assertThat(api("GET", DOCUMENT, null, null).statusCode()).isEqualTo(401);
		assertThat(api("GET", DOCUMENT, "not-a-key", null).statusCode()).isEqualTo(401);
		HttpResponse<String> response = api("GET", DOCUMENT, addKey("docs", "viewer"), null);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

		JsonNode document = JsonMapper.builder().build().readTree(response.body());
		assertThat(document.get("openapi").asString()).startsWith("3.");
		Set<String> documented = new TreeSet<>();
		document.get("paths")
			.properties()
			.forEach(path -> path.getValue()
				.properties()
				.forEach(method -> documented
					.add(method.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey())));

		Set<String> served = new TreeSet<>();
		// The controllers of this application, not springdoc's own (which serves the
		// document).
		mappings.getHandlerMethods()
			.forEach((info, handler) -> info.getPatternValues()
				.stream()
				.filter(pattern -> handler.getBeanType().getPackageName().startsWith("org.invitations"))
				.filter(pattern -> pattern.startsWith("/api/v1/"))
				.forEach(pattern -> info.getMethodsCondition()
					.getMethods()
					.forEach(method -> served.add(method.name() + " " + pattern))));
		assertThat(served).contains("POST /api/v1/tokens/redeem", "GET /api/v1/runs", "POST /api/v1/runs/{id}/send");
		assertThat(documented).isEqualTo(served);
		// Redeeming takes the token in the body, never in the path or the query.
		assertThat(document.at("/paths/~1api~1v1~1tokens~1redeem/post/parameters").isMissingNode()).isTrue();
	}

}
