package org.invitations;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.lifecycle.InvitationAdmin;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real separate JVM runs the job and is killed (destroyForcibly: SIGKILL) in the middle
 * of delivery. The next run of the same spec recovers the dead execution and completes
 * it: everyone delivered, duplicates at most the messages that were in flight, which the
 * report counts as in doubt. Abandoning the run instead keeps what its claims knew (sent
 * stays sent) and revokes only the links whose fate is unknown; cancelling an invitation
 * before the restart revokes its link too, with the reason kept.
 */
class CrashRecoveryIT extends IntegrationTest {

	private static final int PEOPLE = 300;

	@Test
	void killedMidDeliveryThenRunAgainDeliversEveryoneWithDuplicatesOnlyInDoubt() throws Exception {
		Path spec = spec("crash", "crash.csv", "throttle:", "  per-second: 150");
		long inFlight = killMidDelivery(spec, "crash.csv", people());

		Result again = cli("run", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		Map<String, Long> perRecipient = perRecipient();
		assertThat(perRecipient).hasSize(PEOPLE);
		long duplicates = received().size() - PEOPLE;
		long inDoubt = count("SELECT count(*) FROM job_report_row WHERE reason = 'IN_DOUBT'");
		assertThat(duplicates).isLessThanOrEqualTo(inDoubt).isLessThanOrEqualTo(inFlight);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
			.containsExactly("FAILED", "COMPLETED");
	}

	@Test
	void anInvitationCancelledBetweenTheCrashAndTheRestartIsNotSentAgainAndItsLinkIsRevoked() throws Exception {
		Path spec = spec("cancel", "cancel.csv", "throttle:", "  per-second: 150");
		long inFlight = killMidDelivery(spec, "cancel.csv", people());
		long cancelled = jdbc.queryForObject("SELECT invitation_ids[1] FROM delivery_claim ORDER BY id LIMIT 1",
				Long.class);
		String email = jdbc.queryForObject(
				"SELECT p.email_normalized FROM invitation i JOIN person p ON p.id = i.person_id WHERE i.id = ?",
				String.class, cancelled);
		context.getBean(InvitationAdmin.class).cancel(cancelled, null, "admin", "left the club");

		Result again = cli("run", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		Map<String, Long> perRecipient = perRecipient();
		// Everyone else got a message; the cancelled person only if it had left before
		// the crash.
		assertThat(perRecipient.size()).isBetween(PEOPLE - 1, PEOPLE);
		assertThat(perRecipient.getOrDefault(email, 0L)).isLessThanOrEqualTo(1);
		long inDoubt = count("SELECT count(*) FROM job_report_row WHERE reason = 'IN_DOUBT'");
		assertThat((long) received().size() - perRecipient.size()).isLessThanOrEqualTo(inDoubt);
		assertThat(inDoubt).isLessThan(inFlight);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE - 1);
		assertThat(jdbc.queryForObject("SELECT status FROM invitation WHERE id = ?", String.class, cancelled))
			.isEqualTo("CANCELLED");
		// Its link may have arrived: it opens nothing, and a refused redeem can say why.
		assertThat(
				count("SELECT count(*) FROM retired_token WHERE invitation_id = ? AND reason = 'CANCELLED'", cancelled))
			.isOne();
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
	}

	@Test
	void killedMidDeliveryThenAbandonedRevokesTheLinksOnTheirWayAndInvitesTheRestInANewRun() throws Exception {
		Path spec = spec("abandon", "abandon.csv", "throttle:", "  per-second: 150");
		long claimed = killMidDelivery(spec, "abandon.csv", people());
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENDING'")).isZero();
		// The input changed: the unfinished run cannot be restarted, only given up.
		write("abandon.csv", people() + "\nlate@example.org,Late,Person");

		Result again = cli("run", "--abandon-unfinished", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		long first = count("SELECT min(job_instance_id) FROM batch_job_instance");
		String reported = "SELECT count(*) FROM job_report_row WHERE job_instance_id = ? AND ";
		long inDoubt = count(reported + "reason = 'IN_DOUBT_CANCELLED'", first);
		// Only those whose outcome the claims did not know may have received their
		// message: the report says so
		// instead of "not sent", and each of their links is refused from now on, saying
		// why.
		assertThat(inDoubt).isLessThanOrEqualTo(claimed);
		assertThat(count("SELECT count(*) FROM retired_token WHERE reason = 'CANCELLED'")).isEqualTo(inDoubt);
		assertThat(count("""
				SELECT count(*) FROM retired_token r JOIN invitation i ON i.id = r.invitation_id
				WHERE r.reason = 'CANCELLED' AND i.status = 'CANCELLED'
				""")).isEqualTo(inDoubt);
		assertThat(count(reported + "outcome = 'SENT'", first) + inDoubt
				+ count(reported + "reason = 'RUN_ABANDONED'", first))
			.isEqualTo(count(reported + "true", first));
		assertThat(perRecipient()).hasSize(PEOPLE + 1);
		assertThat((long) received().size() - (PEOPLE + 1)).isLessThanOrEqualTo(inDoubt);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE + 1);
		assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
			.containsExactly("ABANDONED", "COMPLETED");
	}

	@Test
	void abandonedAfterAKillReportsEveryoneWhoReceivedMailAsSentOrInDoubtAndNoOneElseAsSent() throws Exception {
		// Large chunks: the chunk on its way when the JVM dies holds outcomes its claim
		// already knows.
		Path spec = spec("known", "known.csv", 100, "throttle:", "  per-second: 150");
		long claimed = killMidDelivery(spec, "known.csv", people());
		Set<String> mailed = perRecipient().keySet();
		// The spec changed: the unfinished run cannot be restarted, only given up.
		spec("known", "known.csv", 100, "throttle:", "  per-second: 300");

		Result again = cli("run", "--abandon-unfinished", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		long first = count("SELECT min(job_instance_id) FROM batch_job_instance");
		Map<String, String> outcomes = new HashMap<>();
		jdbc.query(
				"SELECT email_normalized, outcome || ' ' || coalesce(reason, '') FROM job_report_row"
						+ " WHERE job_instance_id = ?",
				(RowCallbackHandler) rs -> outcomes.put(rs.getString(1), rs.getString(2)), first);
		assertThat(outcomes).hasSize(PEOPLE);
		// Nobody who received mail is reported as not mailed, and nobody reported sent
		// went without.
		mailed.forEach(email -> assertThat(outcomes.get(email)).as(email).matches("SENT.*|FAILED IN_DOUBT_CANCELLED"));
		outcomes.forEach((email, outcome) -> {
			if (outcome.startsWith("SENT")) {
				assertThat(mailed).as(email).contains(email);
			}
		});
		// Those the claims knew to be accepted are among them, their links still working.
		assertThat(count("SELECT count(*) FROM job_report_row WHERE job_instance_id = ? AND outcome = 'SENT'"
				+ " AND detail LIKE '%abandoned after execution%'", first))
			.isPositive();
		assertThat(count(
				"SELECT count(*) FROM job_report_row WHERE job_instance_id = ?" + " AND reason = 'IN_DOUBT_CANCELLED'",
				first))
			.isLessThan(claimed);
		assertThat(count("""
				SELECT count(*) FROM invitation i JOIN retired_token r ON r.invitation_id = i.id WHERE i.status = 'SENT'
				""")).isZero();
		// The new run invites the rest: each person has at least one message, and nobody
		// reported sent a second.
		Map<String, Long> perRecipient = perRecipient();
		assertThat(perRecipient).hasSize(PEOPLE);
		outcomes.forEach((email, outcome) -> {
			if (outcome.equals("SENT ")) {
				assertThat(perRecipient.get(email)).as(email).isOne();
			}
		});
	}

	private static String people() {
		return peopleCsv(PEOPLE);
	}

	/**
	 * Runs the spec in a separate JVM and kills it once 40 messages arrived; returns how
	 * many invitations were on their way then: those of the claimed chunks, and any
	 * already in doubt.
	 */
	private long killMidDelivery(Path spec, String csv, String rows) throws Exception {
		write(csv, rows);
		Process child = startChild(spec, dir.resolve("child.log"));
		boolean some = SMTP.waitForIncomingEmail(120_000, 40);
		child.destroyForcibly();
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(some)
			.as(() -> "the child sent 40 messages before it was killed; it said:\n"
					+ readQuietly(dir.resolve("child.log")))
			.isTrue();
		assertThat(received().size()).isLessThan(PEOPLE);
		assertThat(jdbc.queryForObject("SELECT status FROM batch_job_execution", String.class)).isEqualTo("STARTED");
		long inFlight = count("SELECT coalesce(sum(cardinality(invitation_ids)), 0) FROM delivery_claim")
				+ count("SELECT count(*) FROM invitation WHERE status = 'SENDING'");
		assertThat(inFlight).isPositive();
		return inFlight;
	}

	private Map<String, Long> perRecipient() {
		return received().stream().collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
	}

	private static String readQuietly(Path file) {
		try {
			String text = java.nio.file.Files.readString(file);
			return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
		}
		catch (java.io.IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

}
