package org.invitations.invitation;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;

import org.invitations.IntegrationTest;
import org.invitations.spec.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of {@link InvitationStore} share: people to invite, the store on the
 * test's database, and a look at the rows each transition leaves.
 */
abstract class StoreTest extends IntegrationTest {

	static final RunRef RUN = new RunRef(1, 1, "job:test#1");

	static final Eligibility ANYONE_NEW = new Eligibility(true, true);

	static final Backoff NO_RETRIES = Backoff.NONE;

	InvitationStore store;

	long roleId;

	@BeforeEach
	void store() {
		store = new InvitationStore(jdbc, org.invitations.events.InvitationEvents.OFF);
		roleId = jdbc.queryForObject("SELECT id FROM role WHERE name = 'volunteer'", Long.class);
	}

	long person(String name) {
		return jdbc.queryForObject(
				"INSERT INTO person (email, email_normalized, first_name) VALUES (?, ?, ?) RETURNING id", Long.class,
				name + "@example.org", name + "@example.org", name);
	}

	/**
	 * Queues an invitation for the person, with its report row as a selection writes it.
	 */
	long queued(RunRef run, long person) {
		String email = jdbc.queryForObject("SELECT email FROM person WHERE id = ?", String.class, person);
		Map<Long, Long> queued = store.queue(run, source(),
				List.of(new InvitationStore.ToQueue(person, Kind.INVITATION, null, email, email)));
		assertThat(queued).containsKey(person);
		long id = queued.get(person);
		new ReportRows(jdbc).insert(run, List
			.of(new ReportItem(id, null, email, email, person, id, Kind.INVITATION, ReportOutcome.QUEUED, null, null)));
		return id;
	}

	InvitationStore.Source source() {
		return new InvitationStore.Source(roleId, "volunteer", Duration.ofDays(7), "spec", "CSV", "people.csv");
	}

	Claimed claimOne(RunRef run, long id) {
		List<Claimed> claims = store.claim(run, ANYONE_NEW, List.of(new Claimed.Request(id, Duration.ofDays(7))));
		assertThat(claims).hasSize(1);
		return claims.get(0);
	}

	/** Queued, claimed and accepted by the server: SENT with the returned token. */
	String sent(long person) {
		Claimed claim = claimOne(RUN, queued(RUN, person));
		store.record(RUN, List.of(new Delivered(claim, InvitationStatus.SENT, "250 ok", false)), List.of(), null,
				NO_RETRIES);
		return claim.token();
	}

	long invitationOf(long person) {
		return jdbc.queryForObject("SELECT max(id) FROM invitation WHERE person_id = ?", Long.class, person);
	}

	/** The status as readers see it: sent and past its expiry is expired. */
	String status(long invitation) {
		return jdbc.queryForObject("SELECT " + InvitationStatus.shownSql("i") + " FROM invitation i WHERE id = ?",
				String.class, invitation);
	}

	/** The status as stored. */
	String stored(long invitation) {
		return jdbc.queryForObject("SELECT status FROM invitation WHERE id = ?", String.class, invitation);
	}

	String tokenHash(long invitation) {
		return jdbc.queryForObject("SELECT encode(token_hash, 'hex') FROM invitation WHERE id = ?", String.class,
				invitation);
	}

	List<String> history(long invitation) {
		return jdbc.queryForList("SELECT type FROM invitation_history WHERE invitation_id = ? ORDER BY id",
				String.class, invitation);
	}

	/** The report row of the invitation: outcome and reason. */
	List<String> report(long invitation) {
		return jdbc.queryForObject("SELECT outcome, coalesce(reason, '-') FROM job_report_row WHERE invitation_id = ?",
				(rs, n) -> List.of(rs.getString(1), rs.getString(2)), invitation);
	}

	String retired(String hash) {
		List<String> reasons = jdbc.queryForList("SELECT reason FROM retired_token WHERE token_hash = decode(?, 'hex')",
				String.class, hash);
		return reasons.isEmpty() ? null : reasons.get(0);
	}

}
