package org.invitations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.lifecycle.InvitationAdmin;
import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.Redemption.Link;
import org.invitations.lifecycle.Redemption.Status;
import org.invitations.lifecycle.TokenRedeemer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The links a person may hold: an invitation sent again because an interrupted attempt
 * may have arrived keeps the first link working beside the new one, until one of them is
 * used, it expires, or it is cancelled, resent or purged; an expired link says so whether
 * or not the expiry job has run.
 */
class LinksIT extends IntegrationTest {

	private static final List<String> PEOPLE = List.of("ann", "bob", "cat", "dan", "eve");

	@Autowired
	TokenRedeemer redeemer;

	@Test
	void bothLinksOfAnInvitationSentAgainInDoubtWorkUntilOneOfThemIsUsed() throws Exception {
		Map<String, String[]> links = sentTwiceInDoubt();

		// Each link opens the invitation and says which it is, without using it up.
		for (String name : PEOPLE) {
			assertThat(redeemer.inspect(first(links, name), "Mozilla/5.0")).satisfies(r -> {
				assertThat(r.status()).isEqualTo(Status.VALID);
				assertThat(r.link()).isEqualTo(Link.EARLIER);
				assertThat(r.email()).isEqualTo(name + "@example.org");
			});
			assertThat(redeemer.inspect(second(links, name), "Mozilla/5.0").link()).isEqualTo(Link.RESENT);
		}

		// Ann uses the first email's link: the re-sent one stops working, and her history
		// says why.
		assertThat(redeemer.redeem(first(links, "ann"), "test")).satisfies(r -> {
			assertThat(r.status()).isEqualTo(Status.ACCEPTED);
			assertThat(r.link()).isEqualTo(Link.EARLIER);
		});
		assertThat(redeemer.redeem(second(links, "ann"), "test").status()).isEqualTo(Status.INVALID);
		assertThat(redeemer.inspect(second(links, "ann"), "Mozilla/5.0").status()).isEqualTo(Status.INVALID);
		assertThat(redeemer.redeem(first(links, "ann"), "test").status()).isEqualTo(Status.INVALID);
		assertThat(details("ann", "ACCEPTED", "REDEEM_REFUSED")).containsExactly(
				"ACCEPTED token redeemed with the first link",
				"REDEEM_REFUSED already accepted with the first link (re-sent link)",
				"REDEEM_REFUSED already used (first link)");
		// Bob uses the re-sent one: the first stops working.
		Result bob = cli("redeem", second(links, "bob"));
		assertThat(bob.exitCode()).as(bob.out() + bob.err()).isZero();
		assertThat(bob.out()).startsWith("ACCEPTED: INVITATION re-sent link for bob@");
		assertThat(redeemer.redeem(first(links, "bob"), "test").status()).isEqualTo(Status.INVALID);
		assertThat(details("bob", "ACCEPTED", "REDEEM_REFUSED")).containsExactly(
				"ACCEPTED token redeemed with the re-sent link",
				"REDEEM_REFUSED already accepted with the re-sent link (first link)");
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'ACCEPTED'")).isEqualTo(2);
		assertThat(count("SELECT count(*) FROM person WHERE last_login_at IS NOT NULL")).isEqualTo(2);
		// The run's report says which link was used.
		assertThat(reportDetail("ann")).endsWith("; accepted with the first link");
		assertThat(reportDetail("bob")).endsWith("; accepted with the re-sent link");

		// Cancelling Cat retires both of her links.
		assertThat(cli("cancel", "--invitation", invitationOf("cat"), "--reason", "left").exitCode()).isZero();
		assertThat(redeemer.redeem(first(links, "cat"), "test").status()).isEqualTo(Status.INVALID);
		assertThat(redeemer.redeem(second(links, "cat"), "test").status()).isEqualTo(Status.INVALID);
		assertThat(details("cat", "REDEEM_REFUSED")).containsExactly("REDEEM_REFUSED cancelled (first link)",
				"REDEEM_REFUSED old link: cancelled");

		// Dan's invitation expires: both links say so, before and after the expiry job.
		jdbc.update(
				"UPDATE invitation SET expires_at = now() - interval '1 minute', sent_at = now() - interval '2 days' WHERE id = ?::bigint",
				invitationOf("dan"));
		for (String token : links.get("dan")) {
			assertThat(redeemer.inspect(token, "Mozilla/5.0").status()).isEqualTo(Status.EXPIRED);
			assertThat(redeemer.redeem(token, "test").status()).isEqualTo(Status.EXPIRED);
		}
		assertThat(cli("expire").out()).contains("1 invitation");
		for (String token : links.get("dan")) {
			assertThat(redeemer.inspect(token, "Mozilla/5.0").status()).isEqualTo(Status.EXPIRED);
			assertThat(redeemer.redeem(token, "test").status()).isEqualTo(Status.EXPIRED);
		}
		// A resend gives Dan one new link; neither earlier one opens anything any more.
		SMTP.purgeEmailFromAllMailboxes();
		Result resend = cli("resend", dir.resolve("twice.yml").toString(), "--email", "dan@example.org");
		assertThat(resend.exitCode()).as(resend.out() + resend.err()).isZero();
		String newest = Mails.token(received().get(0));
		for (String token : links.get("dan")) {
			assertThat(redeemer.redeem(token, "test").status()).isEqualTo(Status.INVALID);
		}
		assertThat(details("dan", "REDEEM_REFUSED")).endsWith("REDEEM_REFUSED old link: superseded",
				"REDEEM_REFUSED old link: superseded");
		assertThat(redeemer.redeem(newest, "test")).satisfies(r -> {
			assertThat(r.status()).isEqualTo(Status.ACCEPTED);
			assertThat(r.link()).isEqualTo(Link.ONLY);
		});

		// Purging the hashes of long-closed invitations forgets the kept links too.
		jdbc.update("UPDATE invitation SET closed_at = now() - interval '40 days' WHERE id = ?::bigint",
				invitationOf("cat"));
		Result purge = cli("run",
				write("purge.yml", "name: nightly\njob: expire\npurge-token-hashes-after: 30d\n").toString());
		assertThat(purge.exitCode()).as(purge.out() + purge.err()).isZero();
		assertThat(count("SELECT count(*) FROM earlier_token WHERE invitation_id = ?::bigint", invitationOf("cat")))
			.isZero();
		assertThat(count("SELECT count(*) FROM earlier_token")).isEqualTo(3);
		// Eve's two links still work: nothing above touched them.
		assertThat(redeemer.redeem(second(links, "eve"), "test").status()).isEqualTo(Status.ACCEPTED);
	}

	@Test
	void concurrentRedeemsOfBothLinksAcceptExactlyOne() throws Exception {
		Map<String, String[]> links = sentTwiceInDoubt();
		for (String name : PEOPLE) {
			List<Redemption> results = new ArrayList<>();
			var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
			var start = new java.util.concurrent.CountDownLatch(1);
			List<java.util.concurrent.Future<Redemption>> futures = new ArrayList<>();
			for (String token : links.get(name)) {
				futures.add(pool.submit(() -> {
					start.await();
					return redeemer.redeem(token, "thread");
				}));
			}
			start.countDown();
			for (var future : futures) {
				results.add(future.get());
			}
			pool.shutdown();
			assertThat(results).extracting(Redemption::status)
				.containsExactlyInAnyOrder(Status.ACCEPTED, Status.INVALID);
		}
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'ACCEPTED'")).isEqualTo(PEOPLE.size());
	}

	@Test
	void anExpiredLinkSaysExpiredBeforeAndAfterTheExpiryJob() throws Exception {
		write("once.csv", "email,first_name,last_name\nann@example.org,Ann,Archer\nbob@example.org,Bob,Brown\n");
		Result run = cli("run", spec("once", "once.csv").toString());
		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		Map<String, String> tokens = new LinkedHashMap<>();
		received().forEach(message -> tokens.put(Mails.to(message), Mails.token(message)));
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 minute'");
		String ann = tokens.get("ann@example.org");
		String bob = tokens.get("bob@example.org");

		assertThat(redeemer.inspect(ann, "Mozilla/5.0").status()).isEqualTo(Status.EXPIRED);
		Result notYet = cli("redeem", ann);
		assertThat(notYet.exitCode()).isEqualTo(1);
		assertThat(notYet.out()).startsWith("EXPIRED");
		// Listed as expired from the moment their time passed, before the expiry job.
		InvitationAdmin admin = context.getBean(InvitationAdmin.class);
		for (String status : new String[] { "EXPIRED", "pending", "SENT", "open" }) {
			List<String> listed = new ArrayList<>();
			admin.list(status, null, null, null, 10, row -> listed.add(row.status()));
			assertThat(listed).as(status)
				.containsExactlyElementsOf(status.equals("EXPIRED") ? List.of("EXPIRED", "EXPIRED") : List.of());
		}

		assertThat(cli("expire").out()).contains("2 invitations expired");

		assertThat(redeemer.inspect(bob, "Mozilla/5.0").status()).isEqualTo(Status.EXPIRED);
		Result inspected = cli("redeem", "--inspect", bob);
		assertThat(inspected.out()).startsWith("EXPIRED");
		assertThat(redeemer.redeem(bob, "test").status()).isEqualTo(Status.EXPIRED);
		assertThat(redeemer.redeem(ann, "test").status()).isEqualTo(Status.EXPIRED);
		// In the history once each, dated when they expired, read from the rows (V52),
		// which stay as they were.
		assertThat(count("SELECT count(*) FROM invitation_history h JOIN invitation i ON i.id = h.invitation_id"
				+ " WHERE h.type = 'EXPIRED' AND h.at = i.expires_at"))
			.isEqualTo(2);
		assertThat(count("SELECT count(*) FROM invitation_event WHERE type = 'EXPIRED'")).isZero();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(2);
	}

	/**
	 * Sends everyone's invitation, but recording the outcome fails as if the process had
	 * died between sending and recording: the claims stay behind. The restart sends every
	 * invitation again, in doubt. Returns each person's two links, the first email's
	 * first.
	 */
	private Map<String, String[]> sentTwiceInDoubt() throws Exception {
		StringBuilder csv = new StringBuilder("email,first_name,last_name\n");
		PEOPLE.forEach(name -> csv.append(name).append("@example.org,").append(name).append(",Person\n"));
		write("twice.csv", csv.toString());
		// One chunk: all of it on its way when recording fails.
		String spec = write("twice.yml", """
				name: twice
				source:
				  csv: twice.csv
				role: volunteer
				chunk-size: 10
				link-base-url: https://crm.example.org/set-password
				""").toString();
		jdbc.execute("""
				CREATE OR REPLACE FUNCTION keep_claims() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN RAISE EXCEPTION 'outcomes cannot be recorded'; END $$""");
		jdbc.execute(
				"CREATE TRIGGER keep_claims BEFORE DELETE ON delivery_claim FOR EACH ROW EXECUTE FUNCTION keep_claims()");
		// The claim learns how far its slices may send but none of their outcomes, as
		// when the process dies before
		// writing them: all five are in doubt.
		jdbc.execute("""
				CREATE OR REPLACE FUNCTION forget_outcomes() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN NEW.outcomes := array_fill(''::text, ARRAY[NEW.slices]); RETURN NEW; END $$""");
		jdbc.execute(
				"CREATE TRIGGER forget_outcomes BEFORE UPDATE ON delivery_claim FOR EACH ROW EXECUTE FUNCTION forget_outcomes()");
		Result failed;
		try {
			failed = cli("run", spec);
		}
		finally {
			jdbc.execute("DROP TRIGGER keep_claims ON delivery_claim");
			jdbc.execute("DROP FUNCTION keep_claims()");
			jdbc.execute("DROP TRIGGER forget_outcomes ON delivery_claim");
			jdbc.execute("DROP FUNCTION forget_outcomes()");
		}
		assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
		Map<String, String> firstLinks = new LinkedHashMap<>();
		received().forEach(message -> firstLinks.put(Mails.to(message), Mails.token(message)));
		assertThat(firstLinks).hasSize(PEOPLE.size());
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isZero();
		SMTP.purgeEmailFromAllMailboxes();

		Result again = cli("run", spec);

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(again.out()).contains("IN_DOUBT " + PEOPLE.size());
		Map<String, String[]> links = new LinkedHashMap<>();
		for (MimeMessage message : received()) {
			String to = Mails.to(message);
			links.put(to.substring(0, to.indexOf('@')), new String[] { firstLinks.get(to), Mails.token(message) });
		}
		assertThat(links).hasSize(PEOPLE.size());
		links.values().forEach(pair -> assertThat(pair[0]).isNotEqualTo(pair[1]));
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE.size());
		assertThat(count("SELECT count(*) FROM retired_token")).isZero();
		return links;
	}

	private static String first(Map<String, String[]> links, String name) {
		return links.get(name)[0];
	}

	private static String second(Map<String, String[]> links, String name) {
		return links.get(name)[1];
	}

	private String invitationOf(String name) {
		return jdbc.queryForObject("SELECT id::text FROM invitation WHERE email_normalized = ?", String.class,
				name + "@example.org");
	}

	private List<String> details(String name, String... types) {
		return jdbc.queryForList("""
				SELECT type || ' ' || detail FROM invitation_history WHERE invitation_id = ?::bigint AND type = ANY(?)
				ORDER BY id""", String.class, invitationOf(name), types);
	}

	private String reportDetail(String name) {
		return jdbc.queryForObject(
				"SELECT detail FROM job_report_item WHERE email_normalized = ? AND reason = 'IN_DOUBT'", String.class,
				name + "@example.org");
	}

}
