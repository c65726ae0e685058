package org.invitations;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.invitations.RouteRolesIT.Access.ADMIN;
import static org.invitations.RouteRolesIT.Access.ANYONE;
import static org.invitations.RouteRolesIT.Access.NOBODY;
import static org.invitations.RouteRolesIT.Access.OPERATOR;
import static org.invitations.RouteRolesIT.Access.VIEWER;

/**
 * Authorization by route, not by button: every route Spring MVC maps (pages, forms,
 * exports, the API, the actuator) has a row in this table with the least role that may
 * use it, and each is tried as anonymous, viewer, operator and admin (signed in for the
 * pages, with an API key for the API). A route added without a row here fails the build;
 * so does a row whose route is gone.
 */
class RouteRolesIT extends ConsoleTest {

	/** The least role a route answers; {@code NOBODY} for a route refused to all. */
	enum Access {

		ANYONE, VIEWER, OPERATOR, ADMIN, NOBODY

	}

	/** Every mapped route, {@code METHOD pattern}, with the least role it answers. */
	static final Map<String, Access> ROUTES = new TreeMap<>(Map.ofEntries(Map.entry("* /error", ANYONE),
			Map.entry("GET /login", ANYONE), Map.entry("GET /", VIEWER), Map.entry("GET /people", VIEWER),
			Map.entry("GET /people/{id}", VIEWER), Map.entry("GET /runs", VIEWER), Map.entry("GET /runs/{id}", VIEWER),
			Map.entry("GET /workers", VIEWER), Map.entry("GET /runs/{id}/report.{extension:html|json|csv}", VIEWER),
			Map.entry("GET /invitations", VIEWER), Map.entry("GET /specs", VIEWER),
			Map.entry("GET /suppressions", VIEWER), Map.entry("GET /suppressions.csv", VIEWER),
			Map.entry("POST /notices/{id}/dismiss", VIEWER), Map.entry("GET /imports/new", OPERATOR),
			Map.entry("GET /invitations/cancel", OPERATOR), Map.entry("GET /runs/{id}/abandon", OPERATOR),
			Map.entry("GET /runs/{id}/cancel", OPERATOR), Map.entry("GET /runs/{id}/restart", OPERATOR),
			Map.entry("GET /specs/{file}/expire", OPERATOR), Map.entry("POST /imports", OPERATOR),
			Map.entry("POST /invitations/cancel", OPERATOR), Map.entry("POST /invitations/resend", OPERATOR),
			Map.entry("POST /people/send", OPERATOR), Map.entry("POST /people/{id}/send", OPERATOR),
			Map.entry("POST /runs/{id}/abandon", OPERATOR), Map.entry("POST /runs/{id}/cancel", OPERATOR),
			Map.entry("POST /runs/{id}/confirm", OPERATOR), Map.entry("POST /runs/{id}/resend", OPERATOR),
			Map.entry("POST /runs/{id}/resend-any-interval", OPERATOR), Map.entry("POST /runs/{id}/restart", OPERATOR),
			Map.entry("POST /runs/{id}/send", OPERATOR), Map.entry("POST /runs/{id}/stop", OPERATOR),
			Map.entry("POST /specs/{file}/dry-run", OPERATOR), Map.entry("POST /specs/{file}/expire", OPERATOR),
			Map.entry("POST /suppressions", OPERATOR), Map.entry("POST /suppressions/lift", OPERATOR),
			Map.entry("POST /suppressions/import", OPERATOR), Map.entry("GET /users", ADMIN),
			Map.entry("POST /users", ADMIN), Map.entry("GET /events", ADMIN),
			Map.entry("POST /events/{id}/replay", ADMIN), Map.entry("POST /events/replay-failed", ADMIN),
			Map.entry("POST /users/{name}/remove", ADMIN), Map.entry("GET /api/v1/openapi.json", VIEWER),
			Map.entry("GET /api/v1/openapi.json.yaml", VIEWER), Map.entry("GET /api/v1/runs", VIEWER),
			Map.entry("GET /api/v1/runs/{id}", VIEWER), Map.entry("GET /api/v1/workers", VIEWER),
			Map.entry("POST /api/v1/tokens/inspect", VIEWER), Map.entry("POST /api/v1/tokens/redeem", VIEWER),
			Map.entry("POST /api/v1/invitations/{id}/cancel", OPERATOR),
			Map.entry("POST /api/v1/invitations/{id}/resend", OPERATOR),
			Map.entry("POST /api/v1/runs/{id}/abandon", OPERATOR),
			Map.entry("POST /api/v1/runs/{id}/confirm", OPERATOR),
			Map.entry("POST /api/v1/runs/{id}/restart", OPERATOR), Map.entry("POST /api/v1/runs/{id}/send", OPERATOR),
			Map.entry("POST /api/v1/runs/{id}/stop", OPERATOR),
			Map.entry("POST /api/v1/specs/{file}/dry-run", OPERATOR), Map.entry("GET /actuator", NOBODY),
			Map.entry("GET /actuator/health", ANYONE), Map.entry("GET /actuator/health/**", ANYONE),
			Map.entry("GET /actuator/info", ANYONE), Map.entry("GET /actuator/prometheus", VIEWER),
			// Authenticated by the provider's signature alone (unconfigured here: 404).
			Map.entry("POST /hooks/ses", ANYONE), Map.entry("POST /hooks/mailgun", ANYONE)));

	private static final List<Access> ROLES = List.of(VIEWER, OPERATOR, ADMIN);

	@Test
	void everyMappedRouteHasARowInTheTable() {
		assertThat(unlisted(mapped(), ROUTES.keySet())).as("routes without a role in RouteRolesIT.ROUTES").isEmpty();
		assertThat(unlisted(ROUTES.keySet(), mapped())).as("rows of RouteRolesIT.ROUTES no route has").isEmpty();
	}

	/** The check itself: a route added without a row is reported. */
	@Test
	void aRouteWithoutARowIsReported() {
		Set<String> withANewPage = new TreeSet<>(mapped());
		withANewPage.add("GET /reports/everything");
		assertThat(unlisted(withANewPage, ROUTES.keySet())).containsExactly("GET /reports/everything");
	}

	@Test
	void eachRouteAnswersItsRolesAndRefusesTheOthers() throws Exception {
		Map<Access, HttpClient> sessions = new TreeMap<>();
		Map<Access, String> keys = new TreeMap<>();
		for (Access role : ROLES) {
			String name = role.name().toLowerCase(java.util.Locale.ROOT) + "1";
			addUser(name, role.name().toLowerCase(java.util.Locale.ROOT));
			sessions.put(role, signedIn(name));
			keys.put(role, addKey(name + "-key", role.name().toLowerCase(java.util.Locale.ROOT)));
		}
		HttpClient anonymous = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		List<String> wrong = new ArrayList<>();
		for (Map.Entry<String, Access> route : ROUTES.entrySet()) {
			String method = route.getKey().substring(0, route.getKey().indexOf(' '));
			String path = example(route.getKey().substring(route.getKey().indexOf(' ') + 1));
			method = method.equals("*") ? "GET" : method;
			boolean api = path.startsWith("/api/") || path.startsWith("/actuator");
			check(wrong, route, method, path, "anonymous", request(anonymous, method, path, null, api),
					route.getValue() == ANYONE);
			for (Access role : ROLES) {
				boolean allowed = route.getValue() != NOBODY && route.getValue().compareTo(role) <= 0;
				int status = api ? request(http, method, path, keys.get(role), true)
						: request(sessions.get(role), method, path, null, false);
				check(wrong, route, method, path, role.name().toLowerCase(java.util.Locale.ROOT), status, allowed);
			}
		}
		assertThat(wrong).isEmpty();
	}

	private void check(List<String> wrong, Map.Entry<String, Access> route, String method, String path, String who,
			int status, boolean allowed) {
		// Refused: 401 or 403, or a page's redirect to the sign-in page (302 to /login is
		// told apart from a form's own redirect by its status code, see request()).
		boolean refused = status == 401 || status == 403 || status == LOGIN;
		if (allowed == refused) {
			wrong.add(route.getKey() + " (" + method + " " + path + ") as " + who + ": " + status + ", expected "
					+ (allowed ? "an answer" : "a refusal") + " (least role " + route.getValue() + ")");
		}
	}

	/** The status a redirect to the sign-in page is reported as. */
	private static final int LOGIN = 1302;

	private int request(HttpClient client, String method, String path, String key, boolean api) throws Exception {
		if (!api && method.equals("POST") && client != http) {
			try {
				return status(post(client, path));
			}
			catch (IllegalStateException ex) {
				// No CSRF token: anonymous, refused before any form.
				return status(client.send(postWithoutToken(path), HttpResponse.BodyHandlers.ofString()));
			}
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
					: HttpRequest.BodyPublishers.noBody());
		if (key != null) {
			request.header("Authorization", "Bearer " + key);
		}
		return status(client.send(request.build(), HttpResponse.BodyHandlers.ofString()));
	}

	private HttpRequest postWithoutToken(String path) {
		return HttpRequest.newBuilder(URI.create(base() + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
	}

	private static int status(HttpResponse<String> response) {
		boolean toLogin = response.statusCode() == 302
				&& response.headers().firstValue("Location").orElse("").matches(".*/login(\\?.*)?$");
		return toLogin ? LOGIN : response.statusCode();
	}

	/**
	 * A request path for a route's pattern: ids that do not exist, so nothing is acted
	 * on.
	 */
	private static String example(String pattern) {
		return pattern.replace("{id}", "999999")
			.replace("{file}", "nope.yml")
			.replace("{name}", "nobody")
			.replace("{extension:html|json|csv}", "csv")
			.replace("/**", "/liveness");
	}

	/** Every route of every request-mapping handler mapping, {@code METHOD pattern}. */
	private Set<String> mapped() {
		Set<String> routes = new TreeSet<>();
		context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values().forEach(mapping -> {
			for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
				var methods = info.getMethodsCondition().getMethods();
				for (String pattern : info.getPatternValues()) {
					if (methods.isEmpty()) {
						routes.add("* " + pattern);
					}
					methods.forEach(method -> routes.add(method + " " + pattern));
				}
			}
		});
		return routes;
	}

	private static List<String> unlisted(Set<String> routes, Set<String> table) {
		return routes.stream().filter(route -> !table.contains(route)).toList();
	}

}
