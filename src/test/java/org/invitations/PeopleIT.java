package org.invitations;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.people.PeopleFilter;
import org.invitations.people.PeopleSearch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * People first: find people on the People page, choose some (or all that match), a role
 * and what to send; the dry run counts them and the confirmed send mails exactly those,
 * as an ordinary run whose invitations and report say who chose them. The same from a
 * Person page, and from a CSV file uploaded in the browser.
 */
class PeopleIT extends ConsoleTest {

	@Autowired
	private PeopleSearch people;

	private HttpClient browser;

	@Test
	void searchTickTwoDryRunAndSendExactlyThem() throws Exception {
		people();
		addUser("olga", "operator");
		browser = signedIn("olga");

		Document smi = Jsoup.parse(get(browser, "/people?q=smi").body());
		assertThat(smi.select("tr[data-person] td[data-label=Name]").eachText()).containsExactly("Anne Smithers",
				"Anna Smith");
		assertThat(smi.selectFirst("#total").text()).isEqualTo("2");
		assertThat(Jsoup.parse(get(browser, "/people?q=anna+sm").body()).select("tr[data-person]")).hasSize(1);
		assertThat(Jsoup.parse(get(browser, "/people?q=STONE").body()).select("tr[data-person]")).hasSize(1);
		assertThat(Jsoup.parse(get(browser, "/people?group=choir").body()).select("tr[data-person]")).hasSize(2);
		assertThat(Jsoup.parse(get(browser, "/people?invitation=none").body()).select("tr[data-person]")).hasSize(4);
		assertThat(Jsoup.parse(get(browser, "/people?never=true").body()).select("tr[data-person]")).hasSize(3);
		assertThat(Jsoup.parse(get(browser, "/people?invitation=accepted").body()).select("tr[data-person]"))
			.hasSize(1);
		jdbc.update("""
				INSERT INTO role_assignment (person_id, role_id)
				SELECT p.id, r.id FROM person p, role r WHERE p.first_name = 'Carla' AND r.name = 'coordinator'
				""");
		assertThat(Jsoup.parse(get(browser, "/people?role=coordinator").body()).select("tr[data-person]")).hasSize(1);
		assertThat(Jsoup.parse(get(browser, "/people?group=choir&role=coordinator").body()).select("tr[data-person]"))
			.isEmpty();
		// A group or a role that does not exist matches nobody.
		assertThat(Jsoup.parse(get(browser, "/people?group=nobody").body()).select("tr[data-person]")).isEmpty();
		assertThat(Jsoup.parse(get(browser, "/people?role=nobody").body()).select("tr[data-person]")).isEmpty();

		List<Long> smiths = jdbc.queryForList("SELECT id FROM person WHERE last_name LIKE 'Smith%' ORDER BY id",
				Long.class);
		HttpResponse<String> dry = post(browser, "/people/send", "&person=" + smiths.get(0), "&person=" + smiths.get(1),
				"&grant=coordinator&kind=invitation&template=default&base=demo.yml");
		long dryRun = executionIn(dry);
		assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");
		Document review = Jsoup.parse(get(browser, "/runs/" + dryRun).body());
		assertThat(review.select("form.confirm button").text()).isEqualTo("Send 2 invitations");
		assertThat(received()).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation_source WHERE kind = 'SELECTION'")).isZero();

		long sent = executionIn(post(browser, "/runs/" + dryRun + "/send", "&expected=2"));
		assertThat(awaitEnd(sent)).isEqualTo("COMPLETED");
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("anna.smith@example.org", "anne.smithers@example.org");
		assertThat(jdbc
			.queryForList("SELECT DISTINCT s.kind || ' ' || r.name FROM invitation i JOIN role r ON r.id = i.role_id"
					+ " JOIN invitation_source s ON s.job_instance_id = i.job_instance_id", String.class))
			.containsExactly("SELECTION coordinator");
		String report = cli("report", Long.toString(sent), "--format", "json").out();
		assertThat(report).contains("\"type\":\"people\"").contains("by console:olga, 2 people chosen");
		assertThat(Jsoup.parse(get(browser, "/people?invitation=pending").body()).select("tr[data-person]")).hasSize(2);
		// Once their first invitation is queued, they are no longer "not invited yet".
		assertThat(Jsoup.parse(get(browser, "/people?invitation=none").body())
			.select("tr[data-person] td[data-label=Name]")
			.eachText()).containsExactly("Carla Diaz", "Bob Stone");
	}

	/**
	 * A role's holders, a group's members and the people not invited yet are read from
	 * their own newest first; page after page, each shows the next ones, and the counts
	 * match, whatever else the filter asks.
	 */
	@Test
	void pagesOfARoleAGroupAndThoseNotInvitedYet() {
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name, last_login_at)
				SELECT 'p' || g || '@example.org', 'p' || g || '@example.org', 'P' || g, 'Person',
				       CASE WHEN g % 3 = 0 THEN now() END
				FROM generate_series(1, 60) g
				""");
		jdbc.update("INSERT INTO person_group (name) VALUES ('early')");
		// The older half holds the role and is in the group; every fourth person's
		// invitation is queued.
		jdbc.update("""
				INSERT INTO role_assignment (person_id, role_id)
				SELECT p.id, r.id FROM person p, role r WHERE p.id <= 30 AND r.name = 'volunteer'
				""");
		jdbc.update("INSERT INTO group_member (group_id, person_id) SELECT g.id, p.id FROM person_group g, person p"
				+ " WHERE p.id <= 30");
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_ttl, spec_name, job_instance_id,
				    job_execution_id, delivery_instance_id, email, email_normalized)
				SELECT p.id, 'INVITATION', 'QUEUED', NULL, interval '1 day', 'old', 0, 0, 0, p.email,
				       p.email_normalized
				FROM person p WHERE p.id % 4 = 0
				""");
		// Of those, every eighth person's invitation is out and pending; every fifth
		// person has an expired one, twice for every tenth.
		jdbc.update("UPDATE invitation SET status = 'SENT', sent_at = now(), expires_at = now() + interval '1 day',"
				+ " token_hash = sha256(convert_to('t' || id, 'UTF8'))" + " WHERE person_id % 8 = 0");
		jdbc.update(
				"""
						INSERT INTO invitation (person_id, kind, status, role_id, token_ttl, spec_name, job_instance_id,
						    job_execution_id, delivery_instance_id, email, email_normalized, sent_at,
						    expires_at, closed_at)
						SELECT p.id, 'INVITATION', 'EXPIRED', NULL, interval '1 day', 'old', 0, 0, 0, p.email,
						       p.email_normalized, now() - interval '3 days', now() - interval '2 days', now() - interval '2 days'
						FROM person p, generate_series(1, 2) n WHERE p.id % 5 = 0 AND (n = 1 OR p.id % 10 = 0)
						""");

		assertThat(pages(new PeopleFilter(null, null, "volunteer", null, false)))
			.isEqualTo(ids("SELECT id FROM person WHERE id <= 30 ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter(null, "early", null, null, true)))
			.isEqualTo(ids("SELECT id FROM person WHERE id <= 30 AND last_login_at IS NULL ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter(null, null, null, PeopleFilter.Standing.NONE, false)))
			.isEqualTo(ids("SELECT id FROM person WHERE id % 4 <> 0 AND id % 5 <> 0 ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter(null, "early", "volunteer", PeopleFilter.Standing.NONE, true))).isEqualTo(
				ids("SELECT id FROM person WHERE id <= 30 AND id % 4 <> 0 AND id % 5 <> 0 AND last_login_at IS NULL"
						+ " ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter("p1", null, "volunteer", PeopleFilter.Standing.NONE, false))).isEqualTo(
				ids("SELECT id FROM person WHERE id <= 30 AND id % 4 <> 0 AND id % 5 <> 0 AND first_name LIKE 'P1%'"
						+ " ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter(null, null, null, PeopleFilter.Standing.PENDING, false)))
			.isEqualTo(ids("SELECT id FROM person WHERE id % 8 = 0 ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter(null, null, null, PeopleFilter.Standing.EXPIRED, false)))
			.isEqualTo(ids("SELECT id FROM person WHERE id % 5 = 0 AND id % 4 <> 0 ORDER BY id DESC"));
		assertThat(pages(new PeopleFilter(null, "early", null, PeopleFilter.Standing.EXPIRED, true)))
			.isEqualTo(ids("SELECT id FROM person WHERE id <= 30 AND id % 5 = 0 AND id % 4 <> 0"
					+ " AND last_login_at IS NULL ORDER BY id DESC"));
		assertThat(people.countUpTo(new PeopleFilter(null, null, null, PeopleFilter.Standing.EXPIRED, false), 100))
			.isEqualTo(9);
		assertThat(people.countUpTo(new PeopleFilter(null, null, "volunteer", PeopleFilter.Standing.NONE, false), 100))
			.isEqualTo(18);
		assertThat(people.countUpTo(new PeopleFilter(null, null, "volunteer", null, false), 10)).isEqualTo(11);

		// A sent invitation past its expiry is expired from then on, before the expiry
		// job
		// records it.
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 minute'"
				+ " WHERE status = 'SENT' AND person_id % 16 = 0");
		assertThat(pages(new PeopleFilter(null, null, null, PeopleFilter.Standing.PENDING, false)))
			.isEqualTo(ids("SELECT id FROM person WHERE id % 8 = 0 AND id % 16 <> 0 ORDER BY id DESC"))
			.isNotEmpty();
		assertThat(pages(new PeopleFilter(null, null, null, PeopleFilter.Standing.EXPIRED, false)))
			.isEqualTo(ids("SELECT id FROM person WHERE id % 5 = 0 AND id % 4 <> 0 OR id % 16 = 0 ORDER BY id DESC"));
		assertThat(people.page(new PeopleFilter(null, null, null, PeopleFilter.Standing.EXPIRED, false), null, 100)
			.stream()
			.filter(person -> person.id() % 16 == 0)
			.map(PeopleSearch.Person::invitationStatus)
			.distinct()
			.toList()).containsExactly("EXPIRED");
	}

	/** Every matching person's id, newest first, read seven at a time. */
	private List<Long> pages(PeopleFilter filter) {
		List<Long> ids = new ArrayList<>();
		Long before = null;
		List<PeopleSearch.Person> page;
		do {
			page = people.page(filter, before, 7);
			page.forEach(person -> ids.add(person.id()));
			before = page.isEmpty() ? null : page.get(page.size() - 1).id();
		}
		while (page.size() == 7);
		return ids;
	}

	private List<Long> ids(String sql) {
		return jdbc.queryForList(sql, Long.class);
	}

	@Test
	void allThatMatchAFilterAndOnePersonFromTheirPage() throws Exception {
		people();
		addUser("olga", "operator");
		browser = signedIn("olga");

		long dryRun = executionIn(post(browser, "/people/send?group=choir", "&all=true",
				"&grant=volunteer&kind=invitation&template=default&base=demo.yml"));
		assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");
		String review = get(browser, "/runs/" + dryRun).body();
		assertThat(review).contains("Send 2 invitations");

		long bob = count("SELECT id FROM person WHERE last_name = 'Stone'");
		String page = get(browser, "/people/" + bob).body();
		assertThat(page).contains("Send an invitation…");
		long one = executionIn(post(browser, "/people/" + bob + "/send",
				"&kind=invitation&grant=volunteer&template=default&base=demo.yml"));
		assertThat(awaitEnd(one)).isEqualTo("COMPLETED");
		long sent = executionIn(post(browser, "/runs/" + one + "/send", "&expected=1"));
		assertThat(awaitEnd(sent)).isEqualTo("COMPLETED");
		assertThat(received()).extracting(Mails::to).containsExactly("bob.stone@example.org");

		// Someone who logged in before gets reset instructions, never an invitation.
		long carla = count("SELECT id FROM person WHERE first_name = 'Carla'");
		long reset = executionIn(post(browser, "/people/" + carla + "/send",
				"&kind=password-reset&grant=volunteer&template=default&base=demo.yml"));
		assertThat(awaitEnd(reset)).isEqualTo("COMPLETED");
		assertThat(get(browser, "/runs/" + reset).body()).contains("Send 1 invitation");
	}

	@Test
	void anUploadedFileIsCheckedByItsDryRunThenSent() throws Exception {
		addUser("olga", "operator");
		browser = signedIn("olga");
		String csv = "email,first_name,last_name\nu1@example.org,Uma,One\nu2@example.org,Ugo,Two\nnot-an-address,X,Y\n";

		HttpResponse<String> uploaded = upload("members 2026.csv", csv);
		long dryRun = executionIn(uploaded);
		assertThat(awaitEnd(dryRun)).isEqualTo("COMPLETED");
		String review = get(browser, "/runs/" + dryRun).body();
		assertThat(review).contains("Send 2 invitations");
		assertThat(count("SELECT count(*) FROM person")).isZero();
		long sent = executionIn(post(browser, "/runs/" + dryRun + "/send", "&expected=2"));
		assertThat(awaitEnd(sent)).isEqualTo("COMPLETED");
		assertThat(received()).extracting(Mails::to).containsExactlyInAnyOrder("u1@example.org", "u2@example.org");
		assertThat(cli("report", Long.toString(sent), "--format", "json").out())
			.contains("\"file\":\"members_2026.csv\"")
			.contains("uploaded by console:olga");

		// A file that is not a CSV of people is refused in one line naming it; nothing
		// starts.
		long executions = count("SELECT count(*) FROM batch_job_execution");
		HttpResponse<String> refused = upload("notes.txt", "hello\nworld\n");
		assertThat(refused.headers().firstValue("Location").orElseThrow()).endsWith("/imports/new");
		String error = Jsoup.parse(get(browser, "/imports/new").body()).select("p.error").text();
		assertThat(error).startsWith("notes.txt").doesNotContain("/");
		assertThat(count("SELECT count(*) FROM batch_job_execution")).isEqualTo(executions);
	}

	/** Five people a CRM holds, two in the choir, one who logged in before. */
	private void people() {
		jdbc.update("""
				INSERT INTO person (email, email_normalized, first_name, last_name, last_login_at) VALUES
				  ('anna.smith@example.org', 'anna.smith@example.org', 'Anna', 'Smith', NULL),
				  ('anne.smithers@example.org', 'anne.smithers@example.org', 'Anne', 'Smithers', NULL),
				  ('bob.stone@example.org', 'bob.stone@example.org', 'Bob', 'Stone', NULL),
				  ('carla@example.org', 'carla@example.org', 'Carla', 'Diaz', now() - interval '3 days'),
				  ('dan@example.org', 'dan@example.org', 'Dan', 'Eriksen', now() - interval '1 day')
				""");
		jdbc.update("INSERT INTO person_group (name) VALUES ('choir')");
		jdbc.update("""
				INSERT INTO group_member (group_id, person_id)
				SELECT g.id, p.id FROM person_group g, person p WHERE p.first_name IN ('Anna', 'Bob')
				""");
		// Dan was invited long ago, and accepted.
		jdbc.update("""
				INSERT INTO invitation (person_id, kind, status, role_id, token_ttl, spec_name, job_instance_id,
				    job_execution_id, delivery_instance_id, email, email_normalized, sent_at,
				    expires_at, accepted_at)
				SELECT p.id, 'INVITATION', 'ACCEPTED', NULL, interval '1 day', 'old', 0, 0, 0, p.email,
				       p.email_normalized, now() - interval '2 days', now() - interval '1 day', now() - interval '1 day'
				FROM person p WHERE p.first_name = 'Dan'
				""");
	}

	private HttpResponse<String> upload(String fileName, String content) throws Exception {
		return upload(browser, "/imports", fileName, content, "grant", "volunteer", "kind", "invitation", "template",
				"default", "base", "demo.yml");
	}

	private long executionIn(HttpResponse<String> redirect) throws Exception {
		String location = redirect.headers()
			.firstValue("Location")
			.orElseThrow(() -> new AssertionError("no redirect: " + redirect.statusCode() + " " + redirect.body()));
		if (!location.contains("/runs/")) {
			throw new AssertionError("redirected to " + location + ", not a run: "
					+ Jsoup.parse(get(browser, location.replaceAll("^https?://[^/]+", "")).body())
						.select(".error")
						.text());
		}
		return Long.parseLong(location.replaceAll(".*/runs/", ""));
	}

}
