package org.invitations;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator behind the console's security: probes and info answer anyone (details only
 * when authorized), the metrics take an API key of any role or a signed-in user, and
 * nothing else.
 */
class ActuatorSecurityIT extends ConsoleTest {

	@Test
	void healthAndInfoAnswerWithoutSignInAndShowDetailsOnlyWhenAuthorized() throws Exception {
		for (String path : new String[] { "/actuator/health", "/actuator/health/liveness",
				"/actuator/health/readiness" }) {
			HttpResponse<String> health = get(http, path);
			assertThat(health.statusCode()).as(path + " " + health.body()).isEqualTo(200);
			assertThat(health.body()).as(path).contains("\"status\":\"UP\"").doesNotContain("components");
		}
		HttpResponse<String> info = get(http, "/actuator/info");
		assertThat(info.statusCode()).isEqualTo(200);
		assertThat(info.body()).contains("\"artifact\":\"invitations\"");

		String key = addKey("prometheus", "viewer");
		HttpResponse<String> detailed = withKey("/actuator/health", key);
		assertThat(detailed.statusCode()).isEqualTo(200);
		assertThat(detailed.body()).contains("\"components\"").contains("\"db\"");
		addUser("vera", "viewer");
		assertThat(get(signedIn("vera"), "/actuator/health").body()).contains("\"components\"");
	}

	@Test
	void prometheusTakesAnApiKeyOrASignedInUserAndRefusesAnyoneElse() throws Exception {
		HttpResponse<String> anonymous = get(http, "/actuator/prometheus");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.body()).doesNotContain("jvm_");
		assertThat(withKey("/actuator/prometheus", "inv_not-a-key").statusCode()).isEqualTo(401);

		String key = addKey("prometheus", "viewer");
		HttpResponse<String> scraped = withKey("/actuator/prometheus", key);
		assertThat(scraped.statusCode()).isEqualTo(200);
		assertThat(scraped.body()).contains("jvm_memory_used_bytes");
		String operatorKey = addKey("ops", "operator");
		assertThat(withKey("/actuator/prometheus", operatorKey).statusCode()).isEqualTo(200);

		addUser("vera", "viewer");
		HttpResponse<String> signedIn = get(signedIn("vera"), "/actuator/prometheus");
		assertThat(signedIn.statusCode()).isEqualTo(200);
		assertThat(signedIn.body()).contains("jvm_memory_used_bytes");

		// Endpoints that are not exposed stay out of reach, with or without a key.
		assertThat(withKey("/actuator/env", key).statusCode()).isIn(403, 404);
		assertThat(get(http, "/actuator/env").statusCode()).isIn(401, 404);
	}

	private HttpResponse<String> withKey(String path, String key) throws Exception {
		return http.send(
				HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
