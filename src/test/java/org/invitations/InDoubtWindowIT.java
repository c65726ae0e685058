package org.invitations;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.invitations.lifecycle.Redemption;
import org.invitations.lifecycle.TokenRedeemer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child JVM sending chunks of 1,000 over 4 connections is killed (SIGKILL) in the
 * middle of a chunk. The restart sends again only what may really have been on its way:
 * at most connections x (window + 1) = 4 x 51 = 204 in doubt, not the thousand and more
 * invitations its claims held. Those the server had accepted are recorded SENT with the
 * link they carried, without a second message; those never handed to it are sent once,
 * plainly.
 */
class InDoubtWindowIT extends IntegrationTest {

	private static final int PEOPLE = 2_500;

	private static final int BOUND = 4 * (50 + 1);

	@Autowired
	TokenRedeemer redeemer;

	@Test
	void aKillMidChunkSendsAgainAtMostTheWindowOfEachConnection() throws Exception {
		write("window.csv", peopleCsv(PEOPLE));
		Path spec = spec("window", "window.csv", 1000, "throttle:", "  per-second: 500");
		Process child = startChild(spec, dir.resolve("child.log"));
		// The first chunk is recorded by then, the second is half on its way, the third
		// claimed.
		boolean some = SMTP.waitForIncomingEmail(180_000, 1_400);
		child.destroyForcibly();
		assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(some).as(() -> "the child sent 1,400 messages; it said:\n" + tail(dir.resolve("child.log")))
			.isTrue();
		long claimed = count("SELECT coalesce(sum(cardinality(invitation_ids)), 0) FROM delivery_claim");
		// The whole chunk on its way at least: what a claim without progress would send
		// again.
		assertThat(claimed).isGreaterThanOrEqualTo(1_000);
		int before = received().size();

		Result again = cli("run", spec.toString());

		assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
		long inDoubt = count("SELECT count(*) FROM job_report_row WHERE reason = 'IN_DOUBT'");
		assertThat(inDoubt).isPositive().isLessThanOrEqualTo(BOUND);
		// Everyone received the invitation; only those in doubt may have received it
		// twice, and never more.
		Map<String, Long> perRecipient = received().stream()
			.collect(Collectors.groupingBy(Mails::to, Collectors.counting()));
		assertThat(perRecipient).hasSize(PEOPLE);
		Map<String, String> reasons = new HashMap<>();
		jdbc.query("SELECT email_normalized, coalesce(reason, '') FROM job_report_row",
				(org.springframework.jdbc.core.RowCallbackHandler) rs -> reasons.put(rs.getString(1), rs.getString(2)));
		perRecipient.forEach((to, times) -> {
			assertThat(times).as(to).isLessThanOrEqualTo(2);
			if (times == 2) {
				assertThat(reasons.get(to)).as(to + " received two messages").isEqualTo("IN_DOUBT");
			}
		});
		assertThat(received().size() - PEOPLE).isLessThanOrEqualTo((int) inDoubt);
		// The report adds up: one row per person, all SENT, and the database agrees.
		assertThat(count("SELECT count(*) FROM job_report_row")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM job_report_row WHERE outcome = 'SENT'")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(PEOPLE);
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(jdbc.queryForList("SELECT status FROM batch_job_execution ORDER BY job_execution_id", String.class))
			.containsExactly("FAILED", "COMPLETED");
		// Those the server had accepted before the kill were recorded from the claim, not
		// sent again: their only
		// message arrived before the restart, and its link opens the invitation.
		List<String> recordedFromClaim = jdbc.queryForList("""
				SELECT email_normalized FROM job_report_row
				WHERE detail LIKE 'accepted by the server; recorded when the run was restarted%' AND reason IS NULL
				""", String.class);
		assertThat(recordedFromClaim).isNotEmpty();
		List<MimeMessage> firstRun = received().subList(0, before);
		String someone = recordedFromClaim.get(0);
		assertThat(perRecipient.get(someone)).isOne();
		MimeMessage only = firstRun.stream().filter(m -> Mails.to(m).equals(someone)).findFirst().orElseThrow();
		Matcher token = Mails.TOKEN.matcher(Mails.part(only, "text/plain"));
		assertThat(token.find()).isTrue();
		assertThat(redeemer.redeem(token.group(1), "test").status()).isEqualTo(Redemption.Status.ACCEPTED);
	}

	private static String tail(Path file) {
		try {
			String text = Files.readString(file);
			return text.length() > 20_000 ? text.substring(text.length() - 20_000) : text;
		}
		catch (java.io.IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

}
