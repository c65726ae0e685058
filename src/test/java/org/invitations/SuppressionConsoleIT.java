package org.invitations;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.invitations.lifecycle.SuppressionList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Suppressed page, the cancel form's "Also stop future invitations" box and the API's
 * cancel with {@code suppress}: viewers read, operators add and lift, every action is
 * recorded with the signed-in user.
 */
class SuppressionConsoleIT extends ConsoleTest {

	@Test
	void aViewerSeesTheListWithoutFormsAndAnOperatorAddsSearchesAndLifts() throws Exception {
		assertThat(cli("suppress", "add", "gone@example.org", "--reason", "Left the parish", "--by", "ann").exitCode())
			.isZero();
		addUser("vera", "viewer");
		addUser("olga", "operator");

		HttpClient viewer = signedIn("vera");
		HttpResponse<String> page = get(viewer, "/suppressions");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains(">Suppressed</a>", "gone@example.org", "Admin&#39;s request", "operator:ann",
				"Left the parish", "(command line)");
		assertThat(page.body()).doesNotContain("/suppressions/lift", "id=\"add\"");
		assertThat(post(viewer, "/suppressions", "&email=x%40example.org&reason=no").statusCode()).isEqualTo(403);
		assertThat(post(viewer, "/suppressions/lift", "&email=gone%40example.org").statusCode()).isEqualTo(403);
		assertThat(count("SELECT count(*) FROM suppression WHERE lifted_at IS NULL")).isOne();

		HttpClient operator = signedIn("olga");
		assertThat(get(operator, "/suppressions").body()).contains("id=\"add\"", "id=\"lift-1\"");
		HttpResponse<String> added = post(operator, "/suppressions", "&email=" + form("Anna@Example.org"),
				"&reason=" + form("Asked by phone"));
		assertThat(added.statusCode()).isEqualTo(302);
		assertThat(get(operator, "/suppressions").body())
			.contains("Anna@Example.org suppressed: no run, resend or reminder sends to it until it is lifted");
		assertThat(jdbc.queryForObject(
				"SELECT source || ' ' || suppressed_by || ' ' || detail FROM suppression WHERE email_normalized = ?",
				String.class, "anna@example.org"))
			.isEqualTo("console console:olga Asked by phone");
		HttpResponse<String> badAddress = post(operator, "/suppressions", "&email=nobody", "&reason=typo");
		assertThat(badAddress.statusCode()).isEqualTo(302);
		assertThat(get(operator, "/suppressions").body()).contains("&#39;nobody&#39; is not an email address");

		// Newest first; the search reads the start of the address.
		String list = get(operator, "/suppressions").body();
		assertThat(list.indexOf("Anna@Example.org</td>")).isLessThan(list.indexOf("gone@example.org</td>"));
		assertThat(get(operator, "/suppressions?email=GON").body()).contains("gone@example.org")
			.doesNotContain("Anna@Example.org</td>");

		assertThat(post(operator, "/suppressions/lift", "&email=" + form("gone@example.org")).statusCode())
			.isEqualTo(302);
		assertThat(get(operator, "/suppressions").body()).contains("gone@example.org lifted: runs may invite it again")
			.doesNotContain("gone@example.org</td>");
		assertThat(jdbc.queryForObject("SELECT lifted_by FROM suppression WHERE email_normalized = 'gone@example.org'",
				String.class))
			.isEqualTo("console:olga");
		assertThat(cli("suppress", "list").out()).contains("Anna@Example.org").doesNotContain("gone@example.org");
	}

	/**
	 * Operators import a CSV file and read what happened to its rows; viewers may
	 * download the list but not import.
	 */
	@Test
	void anOperatorImportsACsvFileAndAViewerDownloadsTheList() throws Exception {
		addUser("vera", "viewer");
		addUser("olga", "operator");
		HttpClient operator = signedIn("olga");
		assertThat(get(operator, "/suppressions").body()).contains("id=\"import\"", "/suppressions.csv");

		HttpResponse<String> imported = upload(operator, "/suppressions/import", "bounces 2026.csv",
				"email,reason,detail\nann@example.org,HARD_BOUNCE,550 5.1.1 unknown\nnobody,,\nbob@example.org,,\n",
				"reason", "Provider's bounce list");
		assertThat(imported.statusCode()).isEqualTo(302);
		assertThat(get(operator, "/suppressions").body()).contains(
				"bounces_2026.csv: 2 added, 0 already suppressed, 1 rejected; rejected: bounces_2026.csv line 3, field"
						+ " email: &#39;nobody&#39; is not an email address");
		assertThat(jdbc.queryForList("SELECT email || ' ' || reason || ' ' || detail || ' ' || source || ' '"
				+ " || suppressed_by FROM suppression ORDER BY id", String.class))
			.containsExactly("ann@example.org HARD_BOUNCE 550 5.1.1 unknown import of bounces_2026.csv console:olga",
					"bob@example.org ADMIN Provider's bounce list import of bounces_2026.csv console:olga");

		HttpClient viewer = signedIn("vera");
		assertThat(get(viewer, "/suppressions").body()).contains("/suppressions.csv").doesNotContain("id=\"import\"");
		assertThat(upload(viewer, "/suppressions/import", "x.csv", "email\nx@example.org\n").statusCode())
			.isEqualTo(403);
		HttpResponse<String> csv = get(viewer, "/suppressions.csv");
		assertThat(csv.statusCode()).isEqualTo(200);
		assertThat(csv.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
		assertThat(csv.body().lines().toList()).hasSize(3)
			.first()
			.isEqualTo("email,reason,detail,source,suppressed_by,suppressed_at");
		assertThat(csv.body())
			.contains("bob@example.org,ADMIN,Provider's bounce list,import of bounces_2026.csv," + "console:olga,");
		assertThat(count("SELECT count(*) FROM suppression")).isEqualTo(2);
	}

	@Test
	void theListIsPagedByKeyNewestFirst() throws Exception {
		SuppressionList list = context.getBean(SuppressionList.class);
		for (int i = 1; i <= 51; i++) {
			list.add("p" + i + "@example.org", "test", "console", "console:olga");
		}
		addUser("vera", "viewer");
		HttpClient viewer = signedIn("vera");

		String first = get(viewer, "/suppressions").body();
		assertThat(first).contains("p51@example.org", "p2@example.org</td>")
			.doesNotContain("p1@example.org")
			.contains("/suppressions?before=2");
		String older = get(viewer, "/suppressions?before=2").body();
		assertThat(older).contains("p1@example.org").doesNotContain("p2@example.org").doesNotContain("Older entries");
	}

	@Test
	void theCancelFormsAndTheApiStopFutureInvitationsWhenAsked() throws Exception {
		assertThat(cli("run", JOBS.resolve("demo.yml").toString()).exitCode()).isZero();
		addUser("olga", "operator");
		HttpClient operator = signedIn("olga");
		long one = jdbc.queryForObject("SELECT min(id) FROM invitation WHERE status = 'SENT'", Long.class);
		String address = jdbc.queryForObject("SELECT coalesce(email, email_normalized) FROM invitation WHERE id = ?",
				String.class, one);

		assertThat(get(operator, "/invitations/cancel?invitation=" + one).body())
			.contains("Also stop future invitations to this address");
		assertThat(get(operator, "/runs/" + lastExecution() + "/cancel").body())
			.contains("Also stop future invitations to these addresses");
		HttpResponse<String> cancelled = post(operator, "/invitations/cancel?invitation=" + one, "&expected=1",
				"&reason=" + form("Left the parish"), "&suppress=true");
		assertThat(cancelled.statusCode()).isEqualTo(302);
		assertThat(get(operator, "/invitations?invitation=" + one).body())
			.contains("1 invitation cancelled; 1 address added to the suppression list");
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = ?", String.class, one))
			.isEqualTo("CANCELLED");
		assertThat(jdbc.queryForObject(
				"SELECT source || ' ' || suppressed_by || ' ' || detail FROM suppression WHERE email = ?", String.class,
				address))
			.isEqualTo("cancel of invitation " + one + " console:olga Left the parish");

		// The Person page says so, in one line.
		long person = jdbc.queryForObject("SELECT person_id FROM invitation WHERE id = ?", Long.class, one);
		assertThat(get(operator, "/people/" + person).body()).containsPattern(
				"id=\"suppressed\"[^>]*>No invitations to this address: suppressed since \\d{4}-\\d\\d-\\d\\d"
						+ " by console:olga: Left the parish<");

		// Without the box, a cancel suppresses nothing.
		long two = jdbc.queryForObject("SELECT min(id) FROM invitation WHERE status = 'SENT'", Long.class);
		post(operator, "/invitations/cancel?invitation=" + two, "&expected=1", "&reason=wrong");
		assertThat(count("SELECT count(*) FROM suppression")).isOne();

		String key = addKey("crm", "operator");
		long three = jdbc.queryForObject("SELECT min(id) FROM invitation WHERE status = 'SENT'", Long.class);
		HttpResponse<String> api = api("POST", "/api/v1/invitations/" + three + "/cancel", key,
				"{\"reason\":\"moved away\",\"suppress\":true}");
		assertThat(api.statusCode()).isEqualTo(200);
		assertThat(api.body()).isEqualTo("{\"cancelled\":1,\"suppressed\":1}");
		assertThat(jdbc.queryForObject("SELECT suppressed_by || ' ' || detail FROM suppression WHERE source = ?",
				String.class, "cancel of invitation " + three))
			.isEqualTo("api:crm moved away");
		long four = jdbc.queryForObject("SELECT min(id) FROM invitation WHERE status = 'SENT'", Long.class);
		assertThat(api("POST", "/api/v1/invitations/" + four + "/cancel", key, "{\"reason\":\"wrong\"}").body())
			.isEqualTo("{\"cancelled\":1}");
		assertThat(count("SELECT count(*) FROM suppression")).isEqualTo(2);
	}

	private static String form(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
