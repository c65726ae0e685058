package org.invitations;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The expiry spec's {@code purge-history-after}: the history entries of invitations
 * closed longer ago are deleted in batches; the invitation keeps its status and times,
 * its history its QUEUED entry and a line saying the rest was purged.
 */
class HistoryRetentionIT extends ConsoleTest {

	@Test
	void entriesOfInvitationsClosedLongAgoGoAndTheirHistorySaysSo() throws Exception {
		write("people.csv", peopleCsv(4));
		Result run = cli("run", spec("history", "people.csv").toString());
		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		long p1 = invitationOf("p1@example.org");
		long p2 = invitationOf("p2@example.org");
		long p3 = invitationOf("p3@example.org");
		// p1, p2 and p3 were cancelled, p1 and p2 200 days ago; p4's is still open.
		for (long id : new long[] { p1, p2, p3 }) {
			assertThat(cli("cancel", "--invitation", Long.toString(id), "--reason", "left").exitCode()).isZero();
		}
		jdbc.update("UPDATE invitation SET closed_at = closed_at - interval '200 days' WHERE id IN (?, ?)", p1, p2);
		String before = jdbc.queryForObject("SELECT status || ' ' || closed_at FROM invitation WHERE id = ?",
				String.class, p1);
		long kept = count("SELECT count(*) FROM invitation_event WHERE invitation_id NOT IN (?, ?)", p1, p2);

		Result purge = cli("run",
				write("retention.yml", "name: nightly\njob: expire\nbatch-size: 1\npurge-history-after: 90d\n")
					.toString());
		assertThat(purge.exitCode()).as(purge.out() + purge.err()).isZero();
		assertThat(count("SELECT count(*) FROM invitation_event WHERE invitation_id IN (?, ?)", p1, p2)).isZero();
		assertThat(count("SELECT count(*) FROM invitation_event")).isEqualTo(kept);
		assertThat(
				jdbc.queryForObject("SELECT status || ' ' || closed_at FROM invitation WHERE id = ?", String.class, p1))
			.isEqualTo(before);
		assertThat(jdbc.queryForList("SELECT type FROM invitation_history WHERE invitation_id = ?", String.class, p1))
			.containsExactly("QUEUED");
		// Two invitations, one per transaction, then one that finds none.
		String purgeStep = "SELECT commit_count FROM batch_step_execution"
				+ " WHERE step_name = 'purge' AND job_execution_id = ?::bigint";
		assertThat(count(purgeStep, lastExecution())).isEqualTo(3);

		Result history = cli("history", "p1@example.org");
		assertThat(history.out())
			.contains("QUEUED", "HISTORY_PURGED", "the entries after QUEUED were deleted on",
					"90 days after it closed (purge-history-after); its status and times remain")
			.doesNotContain("CANCELLED");
		assertThat(cli("history", "p3@example.org").out()).contains("CANCELLED").doesNotContain("HISTORY_PURGED");

		addUser("vera", "viewer");
		long person = count("SELECT person_id FROM invitation WHERE id = ?", p1);
		assertThat(get(signedIn("vera"), "/people/" + person).body()).contains("HISTORY_PURGED",
				"the entries after QUEUED were deleted on");

		// Running it again finds nothing.
		assertThat(cli("run", dir.resolve("retention.yml").toString()).exitCode()).isZero();
		assertThat(count(purgeStep, lastExecution())).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM invitation_event")).isEqualTo(kept);
	}

	private long invitationOf(String email) {
		return count("SELECT id FROM invitation WHERE email_normalized = ?", email);
	}

}
