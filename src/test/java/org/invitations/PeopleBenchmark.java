package org.invitations;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The People page's speed on a large, realistic database: fills 1,000,000 people with
 * common and rare names, their addresses, groups, roles and invitations (set-based SQL),
 * and prints the time of the page under each filter, its count of matches included, and
 * of a Person page. Not part of the test suite:
 * {@code ./mvnw -B verify -Dtest=PeopleBenchmark -Dconsole.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dconsole.bench.people=N} for another size; {@code -Dconsole.bench.hold=S}
 * keeps the filled database up S seconds afterwards, its URL printed, to study the plans
 * of the page's statements).
 * <p>
 * The people, by a hash of their id so that every fill is the same:
 * <ul>
 * <li>a first name of 60 common ones (each about 1.7 %); a last name of 100 common ones
 * (each about 0.94 %: "Smith" as in a real register) or, for 6 %, one of 8,000 rare ones
 * made of three syllables (a few people each); an address made of the names and a
 * number;</li>
 * <li>invitations: the newest 10 % were imported lately and are mostly not invited yet;
 * overall about 40 % have an open, unexpired invitation, 30 % accepted one, 15 % let
 * theirs expire, 1 % were not delivered, 0.5 % cancelled, the rest were never invited.
 * Some were invited before (an expired invitation older than the current one), some
 * accepted ones were later sent password-reset instructions;</li>
 * <li>about 70 % never logged in: those who accepted did, as did a quarter of the older
 * ones never invited (accounts from before);</li>
 * <li>groups: parish (30 %), youth (10 %), choir (5 %) and council (20 people); roles:
 * volunteer (85 %), coordinator (2 %) and treasurer (10 people).</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "console.bench", matches = "true")
class PeopleBenchmark extends ConsoleTest {

	private static final int ROUNDS = 7;

	private static final String FIRST_NAMES = names("James", "Mary", "John", "Patricia", "Robert", "Jennifer",
			"Michael", "Linda", "William", "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
			"Thomas", "Sarah", "Charles", "Karen", "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty",
			"Anthony", "Margaret", "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily",
			"Andrew", "Donna", "Joshua", "Michelle", "Kenneth", "Dorothy", "Kevin", "Carol", "Brian", "Amanda",
			"George", "Melissa", "Edward", "Deborah", "Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Sharon",
			"Jeffrey", "Laura", "Ryan", "Cynthia");

	private static final String LAST_NAMES = names("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
			"Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
			"Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
			"Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
			"Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
			"Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
			"Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
			"Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
			"Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
			"Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez");

	private static final String SYLLABLES_1 = names("Ab", "Bel", "Cor", "Dal", "Eb", "Fen", "Gor", "Hal", "Ing", "Jor",
			"Kel", "Lom", "Mor", "Nor", "Ost", "Pel", "Quin", "Ros", "Sel", "Tor");

	private static final String SYLLABLES_2 = names("a", "be", "ci", "do", "en", "fa", "gi", "ho", "il", "ja", "ke",
			"lo", "mu", "ne", "or", "pa", "ri", "su", "ta", "vi");

	private static final String SYLLABLES_3 = names("bach", "berg", "by", "dal", "den", "ford", "gard", "holm", "ker",
			"land", "ley", "man", "mer", "ney", "rup", "sen", "stad", "ton", "vik", "wick");

	@Test
	void timesThePeoplePageUnderEachFilter() throws Exception {
		int people = Integer.getInteger("console.bench.people", 1_000_000);
		assertThat(people).isGreaterThanOrEqualTo(1_000);
		addRole("treasurer");
		long started = System.nanoTime();
		fill(people);
		System.out.printf("filled %,d people, their groups, roles and invitations in %.1f s%n", people,
				(System.nanoTime() - started) / 1e9);
		printMix();

		addUser("olga", "operator");
		HttpClient browser = signedIn("olga");
		String rare = jdbc.queryForObject("""
				SELECT last_name FROM person WHERE last_name NOT IN %s
				GROUP BY last_name HAVING count(*) BETWEEN 3 AND 8 ORDER BY last_name LIMIT 1
				""".formatted(LAST_NAMES.replace("ARRAY[", "(").replace("]", ")")), String.class);
		String address = jdbc.queryForObject("SELECT email FROM person WHERE id = ?", String.class, people / 3);

		Map<String, String> pages = new LinkedHashMap<>();
		pages.put("People (first page)", "/people");
		pages.put("a later page (before= the middle id)", "/people?before=" + people / 2);
		pages.put("q=smi (a common last name)", "/people?q=smi");
		pages.put("q=" + rare + " (a rare name)", "/people?q=" + rare);
		pages.put("q= a full address", "/people?q=" + URLEncoder.encode(address, StandardCharsets.UTF_8));
		pages.put("q=mary smith (first and last)", "/people?q=mary+smith");
		pages.put("q=ma (a short prefix)", "/people?q=ma");
		pages.put("group=parish (30 %)", "/people?group=parish");
		pages.put("group=choir (5 %)", "/people?group=choir");
		pages.put("group=council (20 people)", "/people?group=council");
		pages.put("role=volunteer (85 %)", "/people?role=volunteer");
		pages.put("role=coordinator (2 %)", "/people?role=coordinator");
		pages.put("role=treasurer (10 people)", "/people?role=treasurer");
		for (String standing : List.of("none", "pending", "accepted", "expired", "failed", "cancelled")) {
			pages.put("invitation=" + standing, "/people?invitation=" + standing);
		}
		pages.put("never=true", "/people?never=true");
		pages.put("group=council & invitation=pending", "/people?group=council&invitation=pending");
		pages.put("q=smi & never=true", "/people?q=smi&never=true");
		pages.put("role=treasurer & invitation=none", "/people?role=treasurer&invitation=none");
		pages.put("group=choir & invitation=failed", "/people?group=choir&invitation=failed");
		pages.put("Person page", "/people/" + people / 3);

		// The server's code is compiled as it runs: the first views are slower whatever
		// the filter.
		for (int i = 0; i < 30; i++) {
			assertThat(get(browser, "/people?before=" + (people - i)).statusCode()).isEqualTo(200);
		}
		System.out.printf("%-40s %16s %9s %9s%n", "page (" + String.format("%,d", people) + " people)", "matches",
				"median", "max");
		for (Map.Entry<String, String> page : pages.entrySet()) {
			time(browser, page.getKey(), page.getValue());
		}
		hold();
	}

	/**
	 * Fills the tables set-based. Every choice is a hash of the person's id, so that each
	 * fill holds the same people.
	 */
	private void fill(int people) {
		// A number in [0, 2^31) for a person id and a seed; where their invitations stand
		// (the newest tenth were imported lately and are mostly not invited yet).
		jdbc.execute("""
				CREATE FUNCTION bench_hash(id bigint, seed bigint) RETURNS bigint IMMUTABLE LANGUAGE sql
				AS $$ SELECT hashint8extended(id, seed) & 2147483647 $$
				""");
		jdbc.execute("""
				CREATE FUNCTION bench_standing(id bigint, people bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$
				    SELECT CASE WHEN id > people * 9 / 10
				                THEN CASE WHEN bench_hash(id, 9) % 100 < 5 THEN 'pending' ELSE 'none' END
				                ELSE CASE WHEN r < 439 THEN 'pending' WHEN r < 772 THEN 'accepted'
				                          WHEN r < 939 THEN 'expired' WHEN r < 950 THEN 'failed'
				                          WHEN r < 956 THEN 'cancelled' ELSE 'none' END END
				    FROM (SELECT bench_hash(id, 9) % 1000 AS r) h
				$$
				""");
		jdbc.update(
				"""
						INSERT INTO person (id, email, email_normalized, first_name, last_name, last_login_at, created_at,
						    updated_at)
						OVERRIDING SYSTEM VALUE
						SELECT g, a.email, lower(a.email), n.first_name, n.last_name,
						       CASE WHEN s.standing = 'accepted' AND bench_hash(g, 10) %% 20 <> 0
						              OR s.standing = 'none' AND g <= ? * 9 / 10 AND bench_hash(g, 10) %% 4 = 0
						            THEN now() - bench_hash(g, 11) %% 500 * interval '1 day' END,
						       now() - (? - g) * interval '1 minute', now() - (? - g) * interval '1 minute'
						FROM generate_series(1, ?) g
						CROSS JOIN LATERAL (SELECT (%s)[1 + bench_hash(g, 1) %% 60] AS first_name,
						    CASE WHEN bench_hash(g, 2) %% 100 < 94 THEN (%s)[1 + bench_hash(g, 3) %% 100]
						         ELSE (%s)[1 + bench_hash(g, 4) %% 20] || (%s)[1 + bench_hash(g, 5) %% 20]
						              || (%s)[1 + bench_hash(g, 6) %% 20] END AS last_name) n
						CROSS JOIN LATERAL (SELECT CASE bench_hash(g, 7) %% 4
						        WHEN 0 THEN n.first_name || '.' || n.last_name WHEN 1 THEN n.first_name || '.' || n.last_name
						        WHEN 2 THEN left(n.first_name, 1) || n.last_name ELSE n.last_name || '.' || n.first_name END
						    || g || '@' || (ARRAY['example.org', 'mail.example.com', 'parish.example.net'])[1 + bench_hash(g, 8) %% 3]
						    AS email) a
						CROSS JOIN LATERAL (SELECT bench_standing(g, ?) AS standing) s
						"""
					.formatted(FIRST_NAMES, LAST_NAMES, SYLLABLES_1, SYLLABLES_2, SYLLABLES_3),
				people, people, people, people, people);
		jdbc.execute("SELECT setval(pg_get_serial_sequence('person', 'id'), (SELECT max(id) FROM person))");

		// Invitations in the order they were made: an earlier one that expired (a tenth
		// of
		// the pending, a twentieth of the accepted), the current one, and for a few of
		// the accepted later password-reset instructions. Runs of 25,000 people each.
		String columns = """
				INSERT INTO invitation (person_id, kind, status, role_id, token_hash, created_at, sent_at, expires_at,
				    accepted_at, closed_at, token_ttl, spec_name, job_instance_id, job_execution_id,
				    delivery_instance_id, attempt_count, last_smtp_reply, email, email_normalized)
				""";
		jdbc.update(
				columns + """
						SELECT p.id, 'INVITATION', 'EXPIRED', (SELECT id FROM role WHERE name = 'volunteer'),
						       sha256(convert_to('bench earlier ' || p.id, 'UTF8')), t.sent, t.sent, t.sent + interval '14 days',
						       NULL, t.sent + interval '14 days', interval '14 days', 'welcome', 1 + (p.id - 1) / 25000,
						       1 + (p.id - 1) / 25000, 1 + (p.id - 1) / 25000, 1, NULL, p.email,
						       p.email_normalized
						FROM person p
						CROSS JOIN LATERAL (SELECT now() - (400 + bench_hash(p.id, 12) % 200) * interval '1 day' AS sent) t
						WHERE bench_standing(p.id, ?) = 'pending' AND bench_hash(p.id, 13) % 100 < 10
						   OR bench_standing(p.id, ?) = 'accepted' AND bench_hash(p.id, 13) % 100 < 5
						""",
				people, people);
		jdbc.update(
				columns + """
						SELECT p.id, 'INVITATION', s.status, (SELECT id FROM role WHERE name = 'volunteer'),
						       CASE WHEN s.status <> 'FAILED' THEN sha256(convert_to('bench ' || p.id, 'UTF8')) END,
						       t.sent, CASE WHEN s.status <> 'FAILED' THEN t.sent END,
						       CASE WHEN s.status <> 'FAILED' THEN t.sent + interval '14 days' END,
						       CASE WHEN s.status = 'ACCEPTED' THEN t.sent + interval '1 day' END,
						       CASE s.status WHEN 'ACCEPTED' THEN t.sent + interval '1 day'
						                     WHEN 'EXPIRED' THEN t.sent + interval '14 days'
						                     WHEN 'FAILED' THEN t.sent WHEN 'CANCELLED' THEN t.sent + interval '2 days' END,
						       interval '14 days', 'welcome-' || (1 + (p.id - 1) / 100000), 1000 + (p.id - 1) / 25000,
						       1000 + (p.id - 1) / 25000, 1000 + (p.id - 1) / 25000,
						       CASE WHEN s.status = 'FAILED' THEN 3 ELSE 1 END,
						       CASE WHEN s.status = 'FAILED' THEN '550 5.1.1 mailbox unavailable' END, p.email,
						       p.email_normalized
						FROM person p
						CROSS JOIN LATERAL (SELECT CASE bench_standing(p.id, ?) WHEN 'pending' THEN 'SENT'
						                                                       ELSE upper(bench_standing(p.id, ?)) END AS status) s
						CROSS JOIN LATERAL (SELECT now() - CASE WHEN s.status = 'SENT' THEN bench_hash(p.id, 14) % 10
						                                        ELSE 20 + bench_hash(p.id, 14) % 360 END * interval '1 day'
						                    AS sent) t
						WHERE bench_standing(p.id, ?) <> 'none'
						""",
				people, people, people);
		jdbc.update(columns + """
				SELECT p.id, 'PASSWORD_RESET', CASE WHEN bench_hash(p.id, 15) % 4 = 0 THEN 'SENT' ELSE 'ACCEPTED' END,
				       NULL, sha256(convert_to('bench reset ' || p.id, 'UTF8')), t.sent, t.sent,
				       t.sent + interval '2 days',
				       CASE WHEN bench_hash(p.id, 15) % 4 <> 0 THEN t.sent + interval '1 hour' END,
				       CASE WHEN bench_hash(p.id, 15) % 4 <> 0 THEN t.sent + interval '1 hour' END, interval '2 days',
				       'reset', 5000, 5000, 5000, 1, NULL, p.email, p.email_normalized
				FROM person p
				CROSS JOIN LATERAL (SELECT now() - bench_hash(p.id, 16) % 2 * interval '1 day'
				                               - interval '1 hour' AS sent) t
				WHERE bench_standing(p.id, ?) = 'accepted' AND bench_hash(p.id, 17) % 100 < 4
				""", people);

		jdbc.update("INSERT INTO person_group (name) VALUES ('parish'), ('youth'), ('choir'), ('council')");
		jdbc.update("""
				INSERT INTO group_member (group_id, person_id)
				SELECT g.id, p.id FROM person p JOIN person_group g
				  ON g.name = 'parish' AND bench_hash(p.id, 20) % 100 < 30
				  OR g.name = 'youth' AND bench_hash(p.id, 21) % 100 < 10
				  OR g.name = 'choir' AND bench_hash(p.id, 22) % 100 < 5
				  OR g.name = 'council' AND p.id % (? / 20) = 7
				""", people);
		jdbc.update("""
				INSERT INTO role_assignment (person_id, role_id, assigned_at)
				SELECT p.id, r.id, p.created_at FROM person p JOIN role r
				  ON r.name = 'volunteer' AND bench_hash(p.id, 23) % 100 < 85
				  OR r.name = 'coordinator' AND bench_hash(p.id, 24) % 100 < 2
				  OR r.name = 'treasurer' AND p.id % (? / 10) = 3
				""", people);
		jdbc.execute("DROP FUNCTION bench_standing(bigint, bigint)");
		jdbc.execute("DROP FUNCTION bench_hash(bigint, bigint)");
		for (String table : List.of("person", "invitation", "person_group", "group_member", "role",
				"role_assignment")) {
			jdbc.execute("VACUUM ANALYZE " + table);
		}
	}

	/** The filled mix, to check it against the class's description. */
	private void printMix() {
		System.out.println(jdbc.queryForObject("""
				SELECT format('invitations %s (%s); never logged in %s; groups %s; roles %s',
				    (SELECT string_agg(kind || ' ' || status || ' ' || n, ', ' ORDER BY kind, status)
				     FROM (SELECT kind, status, count(*) AS n FROM invitation GROUP BY 1, 2) i),
				    (SELECT count(DISTINCT person_id) || ' people' FROM invitation),
				    (SELECT count(*) FROM person WHERE last_login_at IS NULL),
				    (SELECT string_agg(name || ' ' || n, ', ' ORDER BY n DESC)
				     FROM (SELECT g.name, count(*) AS n FROM group_member m JOIN person_group g ON g.id = m.group_id
				           GROUP BY 1) m),
				    (SELECT string_agg(name || ' ' || n, ', ' ORDER BY n DESC)
				     FROM (SELECT r.name, count(*) AS n FROM role_assignment a JOIN role r ON r.id = a.role_id
				           GROUP BY 1) a))
				""", String.class));
	}

	private void time(HttpClient browser, String name, String path) throws Exception {
		HttpResponse<String> first = get(browser, path);
		assertThat(first.statusCode()).as(name).isEqualTo(200);
		Matcher total = Pattern.compile("id=\"total\">([^<]*)<").matcher(first.body());
		List<Double> millis = new ArrayList<>();
		for (int i = 0; i < ROUNDS; i++) {
			long start = System.nanoTime();
			assertThat(get(browser, path).statusCode()).as(name).isEqualTo(200);
			millis.add((System.nanoTime() - start) / 1e6);
		}
		Collections.sort(millis);
		System.out.printf("%-40s %16s %6.1f ms %6.1f ms%n", name, total.find() ? total.group(1) : "",
				millis.get(ROUNDS / 2), millis.get(ROUNDS - 1));
	}

	/**
	 * With {@code -Dconsole.bench.hold=S}: waits S seconds with the database up, so that
	 * the plans of the page's statements can be read with psql.
	 */
	private void hold() throws Exception {
		int seconds = Integer.getInteger("console.bench.hold", 0);
		if (seconds > 0) {
			try (var connection = jdbc.getDataSource().getConnection()) {
				System.out.println("database " + connection.getMetaData().getURL() + " up for " + seconds + " s");
			}
			Thread.sleep(seconds * 1000L);
		}
	}

	private static String names(String... names) {
		return "ARRAY['" + String.join("', '", names) + "']";
	}

}
