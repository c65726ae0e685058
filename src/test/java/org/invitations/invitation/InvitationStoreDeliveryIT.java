package org.invitations.invitation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transitions on an invitation's way out, and their refusals, as stored rows (see
 * {@link InvitationStore}).
 */
class InvitationStoreDeliveryIT extends StoreTest {

	@Test
	void queueOpensOneInvitationPerPersonAndKindWithItsRoleAndHistory() {
		long ann = person("ann");
		long id = queued(RUN, ann);
		assertThat(status(id)).isEqualTo("QUEUED");
		assertThat(tokenHash(id)).isNull();
		assertThat(history(id)).containsExactly("QUEUED");
		assertThat(count("SELECT count(*) FROM role_assignment WHERE person_id = ? AND role_id = ?", ann, roleId))
			.isEqualTo(1);
		// Refused: a second open invitation of the kind.
		var again = store.queue(new RunRef(2, 2, "job:other#2"), source(), List.of(new InvitationStore.ToQueue(ann,
				org.invitations.spec.Kind.INVITATION, null, "ann@example.org", "ann@example.org")));
		assertThat(again).isEmpty();
		assertThat(count("SELECT count(*) FROM invitation WHERE person_id = ?", ann)).isEqualTo(1);
	}

	@Test
	void claimIssuesATokenInAClaimRowAndLeavesTheInvitationQueued() {
		long id = queued(RUN, person("ann"));
		Claimed claim = claimOne(RUN, id);
		assertThat(claim.inDoubt()).isFalse();
		assertThat(status(id)).isEqualTo("QUEUED");
		assertThat(jdbc.queryForObject("SELECT encode(token_hashes[1], 'hex') FROM delivery_claim WHERE id = ?",
				String.class, claim.batch()))
			.isEqualTo(Tokens.hashHex(claim.token()));
		// Claimed once however often it is read.
		assertThat(store.claim(RUN, ANYONE_NEW,
				List.of(new Claimed.Request(id, Duration.ofDays(1)), new Claimed.Request(id, Duration.ofDays(1)))))
			.hasSize(1);
	}

	@Test
	void claimSkipsWhoIsNoLongerEligibleAndRefusesWhatIsClosed() {
		long inactive = queued(RUN, person("ina"));
		long loggedIn = queued(RUN, person("lou"));
		long cancelled = queued(RUN, person("cat"));
		jdbc.update("UPDATE person SET email_active = false WHERE email = 'ina@example.org'");
		jdbc.update("UPDATE person SET last_login_at = now() WHERE email = 'lou@example.org'");
		store.cancel(cancelled, null, "admin", "wrong group");
		List<Claimed> claims = store.claim(RUN, ANYONE_NEW, List.of(new Claimed.Request(inactive, Duration.ofDays(1)),
				new Claimed.Request(loggedIn, Duration.ofDays(1)), new Claimed.Request(cancelled, Duration.ofDays(1))));
		assertThat(claims).isEmpty();
		assertThat(status(inactive)).isEqualTo("SKIPPED");
		assertThat(report(inactive)).containsExactly("SKIPPED", "EMAIL_INACTIVE");
		assertThat(status(loggedIn)).isEqualTo("SKIPPED");
		assertThat(report(loggedIn)).containsExactly("SKIPPED", "ALREADY_LOGGED_IN");
		assertThat(status(cancelled)).isEqualTo("CANCELLED");
		assertThat(history(cancelled)).containsExactly("QUEUED", "CANCELLED");
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		// The same people are eligible under a spec that does not filter them.
		long lou = queued(new RunRef(3, 3, "job:all#3"), person("lea"));
		assertThat(
				store.claim(RUN, new Eligibility(false, false), List.of(new Claimed.Request(lou, Duration.ofDays(1)))))
			.hasSize(1);
	}

	@Test
	void sentKeepsTheTokensHashAndEndsTheClaim() {
		long id = queued(RUN, person("ann"));
		Claimed claim = claimOne(RUN, id);
		store.record(RUN, List.of(new Delivered(claim, InvitationStatus.SENT, "250 ok", false)), List.of(), null,
				NO_RETRIES);
		assertThat(status(id)).isEqualTo("SENT");
		assertThat(tokenHash(id)).isEqualTo(Tokens.hashHex(claim.token()));
		assertThat(count(
				"SELECT count(*) FROM invitation WHERE id = ? AND sent_at IS NOT NULL AND expires_at = ?::timestamptz",
				id, claim.expiresAt().toString()))
			.isEqualTo(1);
		assertThat(history(id)).containsExactly("QUEUED", "SENT");
		assertThat(report(id)).containsExactly("SENT", "-");
		// Its report row was not written again: it is read as SENT, with the reply, from
		// the invitation; the totals moved with the chunk.
		assertThat(jdbc.queryForObject("SELECT outcome FROM job_report_item WHERE invitation_id = ?", String.class, id))
			.isEqualTo("QUEUED");
		assertThat(jdbc.queryForObject("SELECT detail FROM job_report_row WHERE invitation_id = ?", String.class, id))
			.isEqualTo("250 ok");
		assertThat(totals()).containsExactly("SENT 1");
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
	}

	@Test
	void aSendAfterATemporaryRefusalIsWrittenIntoItsReportRow() {
		long id = queued(RUN, person("ann"));
		Backoff once = new Backoff(1, Duration.ZERO, 2, Duration.ZERO, Duration.ZERO);
		store.record(RUN, List.of(new Delivered(claimOne(RUN, id), InvitationStatus.DEFERRED, "451 try later", false)),
				List.of(), null, once);
		assertThat(report(id)).containsExactly("QUEUED", "SMTP_TEMPORARY");
		store.record(RUN, List.of(new Delivered(claimOne(RUN, id), InvitationStatus.SENT, "250 ok", false)), List.of(),
				null, once);
		// The row said QUEUED with a reason meanwhile: the send is written into it.
		assertThat(report(id)).containsExactly("SENT", "-");
		assertThat(jdbc.queryForObject("SELECT outcome || ' ' || detail FROM job_report_item WHERE invitation_id = ?",
				String.class, id))
			.isEqualTo("SENT 250 ok");
		assertThat(history(id)).containsExactly("QUEUED", "DEFERRED", "SENT");
		assertThat(totals()).containsExactly("SENT 1");
	}

	/** The run's totals, as "OUTCOME count", without those that add up to nothing. */
	private List<String> totals() {
		return jdbc.queryForList("""
				SELECT outcome || ' ' || sum(items) FROM job_report_total WHERE job_instance_id = ?
				GROUP BY outcome HAVING sum(items) <> 0 ORDER BY outcome
				""", String.class, RUN.jobInstanceId());
	}

	@Test
	void failedClosesTheInvitationAndRetiresItsLink() {
		long id = queued(RUN, person("ann"));
		Claimed claim = claimOne(RUN, id);
		store.record(RUN, List.of(new Delivered(claim, InvitationStatus.FAILED, "550 no such user", false)), List.of(),
				null, NO_RETRIES);
		assertThat(status(id)).isEqualTo("FAILED");
		assertThat(tokenHash(id)).isNull();
		assertThat(retired(Tokens.hashHex(claim.token()))).isEqualTo("FAILED");
		assertThat(report(id)).containsExactly("FAILED", "SMTP_REJECTED");
		assertThat(count("SELECT count(*) FROM invitation WHERE id = ? AND closed_at IS NOT NULL", id)).isEqualTo(1);
	}

	@Test
	void deferredWaitsInTheQueueWhileRetriesAreLeftThenStaysDeferred() {
		long id = queued(RUN, person("ann"));
		Backoff once = new Backoff(1, Duration.ofMinutes(5), 2, Duration.ofHours(1), Duration.ZERO);
		Requeued requeued = store.record(RUN,
				List.of(new Delivered(claimOne(RUN, id), InvitationStatus.DEFERRED, "451 try later", false)), List.of(),
				null, once);
		assertThat(requeued.ids()).containsExactly(id);
		assertThat(status(id)).isEqualTo("QUEUED");
		assertThat(report(id)).containsExactly("QUEUED", "SMTP_TEMPORARY");
		assertThat(count("SELECT count(*) FROM invitation WHERE id = ? AND retry_at > now() + interval '4 minutes'"
				+ " AND temporary_refusals = 1 AND attempt_count = 0", id))
			.isEqualTo(1);
		store.record(RUN,
				List.of(new Delivered(claimOne(RUN, id), InvitationStatus.DEFERRED, "451 still later", false)),
				List.of(), null, once);
		assertThat(status(id)).isEqualTo("DEFERRED");
		assertThat(report(id)).containsExactly("DEFERRED", "SMTP_TEMPORARY");
	}

	@Test
	void notHandedToTheServerStaysQueuedWithoutAToken() {
		long id = queued(RUN, person("ann"));
		Claimed claim = claimOne(RUN, id);
		store.record(RUN, List.of(), List.of(claim), "the mail server went away", NO_RETRIES);
		assertThat(status(id)).isEqualTo("QUEUED");
		assertThat(tokenHash(id)).isNull();
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
		assertThat(claimOne(RUN, id).token()).isNotEqualTo(claim.token());
	}

	@Test
	void cannotSendOneCancelledWhileItsMessageWasOnItsWay() {
		long id = queued(RUN, person("ann"));
		Claimed claim = claimOne(RUN, id);
		assertThat(store.cancel(id, null, "admin", "wrong group")).isEqualTo(1);
		store.record(RUN, List.of(new Delivered(claim, InvitationStatus.SENT, "250 ok", false)), List.of(), null,
				NO_RETRIES);
		assertThat(status(id)).isEqualTo("CANCELLED");
		assertThat(tokenHash(id)).isNull();
		// The link that left will not open, and the history says it left.
		assertThat(retired(Tokens.hashHex(claim.token()))).isEqualTo("CANCELLED");
		assertThat(history(id)).containsExactly("QUEUED", "CANCELLED", "SENT");
	}

	@Test
	void inDoubtAfterADeadExecutionIsSentAgainWithTheFirstLinkKept() {
		long id = queued(RUN, person("ann"));
		Claimed first = claimOne(RUN, id);
		// The execution died after handing the message to the server, before its reply
		// was known.
		jdbc.update("UPDATE delivery_claim SET allowance = '{1}' WHERE id = ?", first.batch());
		RunRef restart = new RunRef(RUN.jobInstanceId(), 2, "job:test#2");
		assertThat(store.recoverClaims(restart)).isEqualTo(1);
		assertThat(status(id)).isEqualTo("SENDING");
		assertThat(tokenHash(id)).isEqualTo(Tokens.hashHex(first.token()));
		Claimed again = claimOne(restart, id);
		assertThat(again.inDoubt()).isTrue();
		assertThat(count("SELECT count(*) FROM earlier_token WHERE invitation_id = ? AND token_hash = decode(?, 'hex')",
				id, Tokens.hashHex(first.token())))
			.isEqualTo(1);
		store.record(restart, List.of(new Delivered(again, InvitationStatus.SENT, "250 ok", false)), List.of(), null,
				NO_RETRIES);
		assertThat(status(id)).isEqualTo("SENT");
		assertThat(tokenHash(id)).isEqualTo(Tokens.hashHex(again.token()));
		assertThat(report(id)).containsExactly("SENT", "IN_DOUBT");
		assertThat(history(id)).contains("IN_DOUBT");
	}

	@Test
	void recoveryRecordsWhatADeadExecutionsClaimKnew() {
		long accepted = queued(RUN, person("ann"));
		long refused = queued(RUN, person("bob"));
		long neverHanded = queued(RUN, person("cid"));
		List<Claimed> claims = store.claim(RUN, ANYONE_NEW,
				List.of(new Claimed.Request(accepted, Duration.ofDays(1)),
						new Claimed.Request(refused, Duration.ofDays(1)),
						new Claimed.Request(neverHanded, Duration.ofDays(1))));
		jdbc.update("UPDATE delivery_claim SET allowance = '{2}', outcomes = '{SF}' WHERE id = ?",
				claims.get(0).batch());
		store.recoverClaims(new RunRef(RUN.jobInstanceId(), 2, "job:test#2"));
		assertThat(status(accepted)).isEqualTo("SENT");
		assertThat(tokenHash(accepted)).isEqualTo(Tokens.hashHex(claims.get(0).token()));
		assertThat(status(refused)).isEqualTo("FAILED");
		assertThat(retired(Tokens.hashHex(claims.get(1).token()))).isEqualTo("FAILED");
		assertThat(status(neverHanded)).isEqualTo("QUEUED");
		assertThat(report(refused)).containsExactly("FAILED", "SMTP_REJECTED");
		assertThat(count("SELECT count(*) FROM delivery_claim")).isZero();
	}

}
