package org.invitations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.invitation.InvitationStatus;
import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.TokenRedeemer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After sending: expiry, resend, cancel, redeem and the history that records all of it.
 */
class LifecycleIT extends IntegrationTest {

	@Autowired
	TokenRedeemer redeemer;

	private Map<String, String> sendTo(String spec, String... names) throws Exception {
		StringBuilder csv = new StringBuilder("email,first_name,last_name\n");
		for (String name : names) {
			csv.append(name).append("@example.org,").append(name).append(",Person\n");
		}
		write(spec + ".csv", csv.toString());
		Result run = cli("run",
				spec(spec, spec + ".csv", "resend:", "  max-attempts: 3", "  min-interval: 1h").toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		Map<String, String> tokens = received().stream().collect(Collectors.toMap(Mails::to, Mails::token));
		SMTP.purgeEmailFromAllMailboxes();
		return tokens;
	}

	private void setSentAgo(String email, String interval, String expiresIn) {
		// Its history moves back with it: a history is read in order of time.
		jdbc.update("""
				UPDATE invitation_event SET at = at - ?::interval WHERE invitation_id IN (
				    SELECT id FROM invitation WHERE person_id = (SELECT id FROM person WHERE email_normalized = ?))
				""", interval, email);
		jdbc.update("""
				UPDATE invitation SET created_at = created_at - ?::interval, sent_at = now() - ?::interval,
				       expires_at = now() + ?::interval
				WHERE person_id = (SELECT id FROM person WHERE email_normalized = ?)
				""", interval, interval, expiresIn, email);
	}

	@Test
	void expiryChangesOnlyStaleOpenInvitationsAndASecondRunNothing() throws Exception {
		Map<String, String> tokens = sendTo("mixed", "stale1", "stale2", "fresh", "used", "gone");
		setSentAgo("stale1@example.org", "2 days", "-1 day");
		setSentAgo("stale2@example.org", "25 hours", "-1 hour");
		assertThat(redeemer.redeem(tokens.get("used@example.org"), "test").status())
			.isEqualTo(Redemption.Status.ACCEPTED);
		setSentAgo("used@example.org", "2 days", "-1 day");
		Result cancel = cli("cancel", "--invitation", invitationOf("gone@example.org"), "--reason",
				"sent to the wrong group", "--by", "admin-ann");
		assertThat(cancel.out()).contains("1 invitation cancelled");
		setSentAgo("gone@example.org", "2 days", "-1 day");

		Result first = cli("expire");

		assertThat(first.exitCode()).as(first.err()).isZero();
		assertThat(first.out()).contains("2 invitations expired").containsPattern("mixed\\s+2");
		assertThat(statuses())
			.containsExactlyInAnyOrderEntriesOf(Map.of("stale1@example.org", "EXPIRED", "stale2@example.org", "EXPIRED",
					"fresh@example.org", "SENT", "used@example.org", "ACCEPTED", "gone@example.org", "CANCELLED"));
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'EXPIRED'")).isEqualTo(2);
		// Recorded, not rewritten: the rows are expired by their time.
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'EXPIRED'")).isZero();
		assertThat(redeemer.redeem(tokens.get("stale1@example.org"), "test").status())
			.isEqualTo(Redemption.Status.EXPIRED);

		Result second = cli("run", write("expire.yml", "name: nightly\njob: expire\nbatch-size: 1\n").toString());
		assertThat(second.exitCode()).as(second.err()).isZero();
		assertThat(second.out()).contains("0 invitations expired");
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'EXPIRED'")).isEqualTo(2);
	}

	@Test
	void bulkResendOfExpiredSendsOneNewLinkEachAndRetiresTheOld() throws Exception {
		Map<String, String> old = sendTo("resend", "ann", "bob", "cat");
		String firstExecution = lastExecution();
		setSentAgo("ann@example.org", "2 days", "-1 day");
		setSentAgo("bob@example.org", "2 days", "-1 day");
		assertThat(cli("expire").exitCode()).isZero();

		Result resend = cli("resend", dir.resolve("resend.yml").toString(), "--status", "expired");

		assertThat(resend.exitCode()).as(resend.err()).isZero();
		assertThat(resend.out()).containsPattern("SENT\\s+2\\s").containsPattern("TOTAL\\s+2");
		List<MimeMessage> messages = received();
		assertThat(messages).extracting(Mails::to).containsExactlyInAnyOrder("ann@example.org", "bob@example.org");
		for (MimeMessage message : messages) {
			String to = Mails.to(message);
			assertThat(redeemer.redeem(old.get(to), "test").status()).isEqualTo(Redemption.Status.INVALID);
			assertThat(redeemer.redeem(Mails.token(message), "test").status()).isEqualTo(Redemption.Status.ACCEPTED);
		}
		assertThat(count("SELECT count(*) FROM invitation WHERE attempt_count = 2")).isEqualTo(2);
		// The history says what they were as admins saw them.
		assertThat(jdbc.queryForList("SELECT detail FROM invitation_event WHERE type = 'RESENT'", String.class))
			.containsExactly("was EXPIRED; the old link no longer works", "was EXPIRED; the old link no longer works");
		// Each send stays in the history: the first, read from the row until the resend,
		// was written as an entry of its own before the row was sent again.
		String ann = invitationOf("ann@example.org");
		assertThat(eventTypes(ann)).containsExactly("QUEUED", "SENT", "EXPIRED", "RESENT", "SENT", "REDEEM_REFUSED",
				"ACCEPTED");
		assertThat(jdbc.queryForList("SELECT actor FROM invitation_history WHERE invitation_id = ?::bigint"
				+ " AND type = 'SENT' ORDER BY at", String.class, ann))
			.containsExactly("job:resend#" + firstExecution, "job:resend#" + lastExecution());
		assertThat(count("SELECT count(*) FROM invitation_event WHERE type = 'SENT'")).isEqualTo(4);
		assertThat(redeemer.redeem(old.get("cat@example.org"), "test").status()).isEqualTo(Redemption.Status.ACCEPTED);
		// Each run's report still says what it sent. The first run's rows were written
		// once, QUEUED, and read as SENT from their invitations; the resend wrote ann's
		// and bob's as SENT before their invitations were sent again; its own rows, of a
		// reopened invitation, are written by their send.
		assertThat(reportRows(firstExecution)).containsExactly("ann@example.org SENT 250 SENT",
				"bob@example.org SENT 250 SENT", "cat@example.org SENT 250 QUEUED");
		assertThat(reportRows(lastExecution())).containsExactly("ann@example.org SENT 250 SENT",
				"bob@example.org SENT 250 SENT");
		Result report = cli("report", firstExecution, "--format", "csv");
		assertThat(report.out().lines().filter(line -> line.contains(",SENT,,250 "))).hasSize(3);
	}

	/**
	 * A run's report rows: the address, the outcome and the start of the detail as read,
	 * then the outcome as stored.
	 */
	private List<String> reportRows(String execution) {
		return jdbc.queryForList(
				"""
						SELECT v.email || ' ' || v.outcome || ' ' || split_part(v.detail, ' ', 1) || ' ' || r.outcome
						FROM job_report_row v JOIN job_report_item r USING (job_instance_id, item_number)
						WHERE v.job_instance_id = (SELECT job_instance_id FROM batch_job_execution WHERE job_execution_id = ?::bigint)
						ORDER BY v.item_number
						""",
				String.class, execution);
	}

	@Test
	void resendRespectsTheIntervalAndTheLimit() throws Exception {
		sendTo("limits", "dan");
		String spec = dir.resolve("limits.yml").toString();

		Result tooSoon = cli("resend", spec, "--email", "DAN@example.org");
		assertThat(tooSoon.out()).contains("RESEND_TOO_SOON 1");
		assertThat(received()).isEmpty();

		setSentAgo("dan@example.org", "2 hours", "22 hours");
		assertThat(cli("resend", spec, "--email", "dan@example.org").out()).containsPattern("SENT\\s+1");
		setSentAgo("dan@example.org", "2 hours", "22 hours");
		assertThat(cli("resend", spec, "--email", "dan@example.org").out()).containsPattern("SENT\\s+1");
		setSentAgo("dan@example.org", "2 hours", "22 hours");
		Result limit = cli("resend", spec, "--email", "dan@example.org");
		assertThat(limit.out()).contains("RESEND_LIMIT 1");
		assertThat(received()).hasSize(2);
		assertThat(count("SELECT attempt_count FROM invitation")).isEqualTo(3);
	}

	@Test
	void cancelMakesTheLinkFailAndHistoryListsEveryTransitionInOrder() throws Exception {
		Map<String, String> tokens = sendTo("cancel", "eve", "fay");
		String eve = invitationOf("eve@example.org");
		assertThat(redeemer.inspect(tokens.get("eve@example.org"), "Microsoft Office Protection (Safe Links)").status())
			.isEqualTo(Redemption.Status.VALID);

		Result cancel = cli("cancel", "--invitation", eve, "--reason", "left the club", "--by", "admin-ann");

		assertThat(cancel.exitCode()).isZero();
		assertThat(redeemer.inspect(tokens.get("eve@example.org"), "Mozilla/5.0").status())
			.isEqualTo(Redemption.Status.INVALID);
		Result redeem = cli("redeem", tokens.get("eve@example.org"));
		assertThat(redeem.exitCode()).isEqualTo(1);
		assertThat(redeem.out()).startsWith("INVALID").doesNotContain("eve@");
		Result history = cli("history", "eve@example.org");
		assertThat(history.exitCode()).as(history.err()).isZero();
		assertThat(eventTypes(eve)).containsExactly("QUEUED", "SENT", "INSPECTED", "CANCELLED", "INSPECTED",
				"REDEEM_REFUSED");
		// The send is read from the invitation row, which holds its time, run and reply
		// (V46): it wrote no entry of its own.
		assertThat(count("SELECT count(*) FROM invitation_event WHERE type = 'SENT'")).isZero();
		assertThat(history.out()).containsPattern("SENT\\s+job:cancel#" + lastExecution() + "\\s+250 ");
		assertThat(history.out()).contains("operator:admin-ann", "left the club", "looks like a mail scanner");
		// Cancelling a whole run reaches the others.
		Result all = cli("cancel", "--execution", lastExecution(), "--reason", "wrong list");
		assertThat(all.out()).contains("1 invitation cancelled");
		assertThat(redeemer.redeem(tokens.get("fay@example.org"), "test").status())
			.isEqualTo(Redemption.Status.INVALID);
	}

	@Test
	void aPersonsHistoryIsReadByKeyFromEveryPartOfTheView() {
		// Each part of the view must be flattened into the lookup, so that it goes by
		// the invitations' keys: a part PostgreSQL keeps as a subquery is read whole
		// (1 s at 220,000 invitations). That shows in the plan whatever the tables hold.
		String plan = String.join("\n", jdbc.queryForList("""
				EXPLAIN SELECT * FROM invitation_history
				WHERE invitation_id IN (SELECT id FROM invitation WHERE person_id = 1) ORDER BY at, id
				""", String.class));
		assertThat(plan).contains("invitation_event").doesNotContain("Subquery Scan");
	}

	@Test
	void concurrentRedeemOfOneTokenSucceedsExactlyOnce() throws Exception {
		String token = sendTo("race", "gus").get("gus@example.org");
		int threads = 16;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<Redemption>> results = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			Callable<Redemption> attempt = () -> {
				start.await();
				return redeemer.redeem(token, "thread");
			};
			results.add(pool.submit(attempt));
		}
		start.countDown();
		List<Redemption.Status> statuses = new ArrayList<>();
		for (Future<Redemption> result : results) {
			statuses.add(result.get().status());
		}
		pool.shutdown();

		assertThat(statuses).filteredOn(s -> s == Redemption.Status.ACCEPTED).hasSize(1);
		assertThat(statuses).filteredOn(s -> s == Redemption.Status.INVALID).hasSize(threads - 1);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'ACCEPTED'")).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM person WHERE last_login_at IS NOT NULL")).isEqualTo(1);
	}

	@Test
	void historyOfAResentAndAcceptedInvitation() throws Exception {
		sendTo("story", "hal");
		setSentAgo("hal@example.org", "2 days", "-1 day");
		cli("expire");
		cli("resend", dir.resolve("story.yml").toString(), "--email", "hal@example.org");
		String token = Mails.token(received().get(0));
		assertThat(cli("redeem", token).exitCode()).isZero();

		assertThat(eventTypes(invitationOf("hal@example.org"))).containsExactly("QUEUED", "SENT", "EXPIRED", "RESENT",
				"SENT", "ACCEPTED");
		// Its only link used: the acceptance is read from the invitation row, which keeps
		// who redeemed it (V50).
		assertThat(jdbc.queryForObject(
				"SELECT actor || ' ' || detail FROM invitation_history WHERE type = 'ACCEPTED' AND invitation_id = ?::bigint",
				String.class, invitationOf("hal@example.org")))
			.startsWith("operator:")
			.endsWith(" token redeemed");
		assertThat(count("SELECT count(*) FROM invitation_event WHERE type = 'ACCEPTED'")).isZero();
		Result list = cli("list", "--status", "accepted", "--job", "story");
		assertThat(list.out()).contains("hal@example.org").contains("ACCEPTED");
	}

	private String invitationOf(String email) {
		return jdbc.queryForObject(
				"SELECT i.id::text FROM invitation i JOIN person p ON p.id = i.person_id WHERE p.email_normalized = ?",
				String.class, email);
	}

	private List<String> eventTypes(String invitationId) {
		return jdbc.queryForList("SELECT type FROM invitation_history WHERE invitation_id = ?::bigint ORDER BY at, id",
				String.class, invitationId);
	}

	private Map<String, String> statuses() {
		return jdbc.query("SELECT p.email_normalized, " + InvitationStatus.shownSql("i")
				+ " FROM invitation i JOIN person p ON p.id = i.person_id", rs -> {
					Map<String, String> map = new java.util.HashMap<>();
					while (rs.next()) {
						map.put(rs.getString(1), rs.getString(2));
					}
					return map;
				});
	}

}
