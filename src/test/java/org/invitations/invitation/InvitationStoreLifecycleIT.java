package org.invitations.invitation;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transitions of a sent invitation, and their refusals, as stored rows (see
 * {@link InvitationStore}).
 */
class InvitationStoreLifecycleIT extends StoreTest {

	@Test
	void redeemAcceptsOnceAndCountsAsTheFirstLogin() {
		long ann = person("ann");
		String token = sent(ann);
		long id = invitationOf(ann);
		InvitationStore.Accepted accepted = store.redeem(Tokens.hash(token), "test");
		assertThat(accepted).isNotNull();
		assertThat(accepted.invitationId()).isEqualTo(id);
		assertThat(status(id)).isEqualTo("ACCEPTED");
		assertThat(count("SELECT count(*) FROM person WHERE id = ? AND last_login_at IS NOT NULL", ann)).isEqualTo(1);
		String acceptedAt = jdbc.queryForObject("SELECT accepted_at::text FROM invitation WHERE id = ?", String.class,
				id);
		// Refused: redeeming twice.
		assertThat(store.redeem(Tokens.hash(token), "test")).isNull();
		assertThat(jdbc.queryForObject("SELECT accepted_at::text FROM invitation WHERE id = ?", String.class, id))
			.isEqualTo(acceptedAt);
	}

	@Test
	void cannotAcceptAnExpiredOrACancelledOne() {
		long ann = person("ann");
		String expiredToken = sent(ann);
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 minute' WHERE id = ?", invitationOf(ann));
		assertThat(store.redeem(Tokens.hash(expiredToken), "test")).isNull();
		assertThat(status(invitationOf(ann))).isEqualTo("EXPIRED");
		// Nor cancel it: expired is closed, though the row is not rewritten.
		assertThat(store.cancel(invitationOf(ann), null, "admin", "too late")).isZero();
		assertThat(stored(invitationOf(ann))).isEqualTo("SENT");
		long bob = person("bob");
		String cancelledToken = sent(bob);
		store.cancel(invitationOf(bob), null, "admin", "wrong group");
		assertThat(store.redeem(Tokens.hash(cancelledToken), "test")).isNull();
		assertThat(status(invitationOf(bob))).isEqualTo("CANCELLED");
		assertThat(count("SELECT count(*) FROM person WHERE last_login_at IS NOT NULL")).isZero();
	}

	@Test
	void cancelRetiresTheLinkAndCannotCancelAnAcceptedOne() {
		long ann = person("ann");
		String token = sent(ann);
		long id = invitationOf(ann);
		assertThat(store.cancel(id, null, "admin-ann", "sent to the wrong group")).isEqualTo(1);
		assertThat(status(id)).isEqualTo("CANCELLED");
		assertThat(tokenHash(id)).isNull();
		assertThat(retired(Tokens.hashHex(token))).isEqualTo("CANCELLED");
		assertThat(jdbc.queryForObject("SELECT actor || ': ' || detail FROM invitation_history WHERE invitation_id = ?"
				+ " AND type = 'CANCELLED'", String.class, id))
			.isEqualTo("admin-ann: sent to the wrong group");
		long bob = person("bob");
		store.redeem(Tokens.hash(sent(bob)), "test");
		assertThat(store.cancel(invitationOf(bob), null, "admin", "too late")).isZero();
		assertThat(status(invitationOf(bob))).isEqualTo("ACCEPTED");
		assertThat(history(invitationOf(bob))).doesNotContain("CANCELLED");
	}

	@Test
	void resendQueuesAgainWithTheOldLinkRetiredButNeverAnAcceptedOne() {
		long ann = person("ann");
		String token = sent(ann);
		long id = invitationOf(ann);
		RunRef resend = new RunRef(5, 5, "job:resend#5");
		assertThat(store.resend(resend, id, InvitationStatus.SENT)).isTrue();
		assertThat(status(id)).isEqualTo("QUEUED");
		assertThat(tokenHash(id)).isNull();
		assertThat(retired(Tokens.hashHex(token))).isEqualTo("SUPERSEDED");
		assertThat(count("SELECT count(*) FROM invitation WHERE id = ? AND delivery_instance_id = 5", id)).isEqualTo(1);
		assertThat(history(id)).endsWith("RESENT");
		long bob = person("bob");
		String used = sent(bob);
		store.redeem(Tokens.hash(used), "test");
		assertThat(store.resend(resend, invitationOf(bob), InvitationStatus.ACCEPTED)).isFalse();
		assertThat(status(invitationOf(bob))).isEqualTo("ACCEPTED");
		assertThat(tokenHash(invitationOf(bob))).isEqualTo(Tokens.hashHex(used));
		assertThat(retired(Tokens.hashHex(used))).isNull();
	}

	@Test
	void expireRecordsSentInvitationsPastTheirTimeOnlyAndOnce() {
		long ann = person("ann");
		long bob = person("bob");
		sent(ann);
		sent(bob);
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 hour' WHERE id = ?", invitationOf(ann));
		// Expired from the moment its time passed, before the job records it.
		assertThat(status(invitationOf(ann))).isEqualTo("EXPIRED");
		// Its history says so too, read from the row (V52), dated when it expired.
		assertThat(history(invitationOf(ann))).contains("EXPIRED");
		assertThat(jdbc
			.queryForObject("SELECT h.at = i.expires_at AND h.actor = 'expiry' AND h.detail = 'link expired unused'"
					+ " FROM invitation_history h JOIN invitation i ON i.id = h.invitation_id"
					+ " WHERE h.type = 'EXPIRED' AND i.id = ?", Boolean.class, invitationOf(ann)))
			.isTrue();
		assertThat(store.countDue()).containsEntry("spec", 1L).hasSize(1);
		assertThat(store.expireDue(100, "job:expire#9")).containsEntry("spec", 1L).hasSize(1);
		assertThat(status(invitationOf(ann))).isEqualTo("EXPIRED");
		// Recorded without rewriting the row, nor writing an entry.
		assertThat(stored(invitationOf(ann))).isEqualTo("SENT");
		assertThat(history(invitationOf(ann)).stream().filter("EXPIRED"::equals)).hasSize(1);
		assertThat(count("SELECT count(*) FROM invitation_event WHERE type = 'EXPIRED'")).isZero();
		assertThat(status(invitationOf(bob))).isEqualTo("SENT");
		assertThat(store.expireDue(100, "job:expire#9")).isEmpty();
		assertThat(store.countDue()).isEmpty();
		assertThat(history(invitationOf(ann)).stream().filter("EXPIRED"::equals)).hasSize(1);
		// A selection replaces a stale one itself, before the expiry job gets to it.
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 hour' WHERE id = ?", invitationOf(bob));
		store.expireSuperseded(RUN, List.of(invitationOf(bob)));
		assertThat(stored(invitationOf(bob))).isEqualTo("EXPIRED");
		assertThat(history(invitationOf(bob))).contains("EXPIRED");
		// Recorded once: the job passes over a row stored as expired, the selection over
		// one the job recorded.
		assertThat(store.expireDue(100, "job:expire#9")).isEmpty();
		store.expireSuperseded(RUN, List.of(invitationOf(ann)));
		assertThat(stored(invitationOf(ann))).isEqualTo("EXPIRED");
		assertThat(history(invitationOf(ann)).stream().filter("EXPIRED"::equals)).hasSize(1);
		assertThat(history(invitationOf(bob)).stream().filter("EXPIRED"::equals)).hasSize(1);
	}

	@Test
	void aHardBounceOfAnExpiredInvitationKeepsItsExpiryInTheHistory() {
		long ann = person("ann");
		sent(ann);
		long id = invitationOf(ann);
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 hour' WHERE id = ?", id);
		assertThat(history(id)).contains("EXPIRED");
		// The row says BOUNCED from now on: the expiry it told becomes an entry first.
		store.applyBounce(new BounceNotice(id, BounceNotice.Kind.HARD, "bounce-1", "5.1.1", "mailbox unknown", "test",
				"bounces:test"));
		assertThat(status(id)).isEqualTo("BOUNCED");
		assertThat(history(id)).containsSubsequence("EXPIRED", "BOUNCED");
		assertThat(history(id).stream().filter("EXPIRED"::equals)).hasSize(1);
		assertThat(jdbc.queryForObject(
				"SELECT e.at = i.expires_at FROM invitation_event e JOIN invitation i ON i.id = e.invitation_id"
						+ " WHERE e.type = 'EXPIRED' AND i.id = ?",
				Boolean.class, id))
			.isTrue();
	}

	@Test
	void remindSwapsInANewLinkKeepingTheFirstAndNeverRemindsAClosedOne() {
		long ann = person("ann");
		String first = sent(ann);
		long id = invitationOf(ann);
		String reminder = Tokens.generate();
		assertThat(store.remind(id, Tokens.hash(reminder))).isTrue();
		assertThat(tokenHash(id)).isEqualTo(Tokens.hashHex(reminder));
		assertThat(count("SELECT count(*) FROM invitation WHERE id = ? AND reminded_at IS NOT NULL", id)).isEqualTo(1);
		// Either link opens it.
		assertThat(
				count("SELECT count(*) FROM earlier_token WHERE token_hash = decode(?, 'hex')", Tokens.hashHex(first)))
			.isEqualTo(1);
		store.unremind(id, Tokens.hash(first), Tokens.hash(reminder), true);
		assertThat(tokenHash(id)).isEqualTo(Tokens.hashHex(first));
		assertThat(count("SELECT count(*) FROM invitation WHERE id = ? AND reminded_at IS NULL", id)).isEqualTo(1);
		assertThat(count("SELECT count(*) FROM earlier_token")).isZero();
		store.cancel(id, null, "admin", "wrong group");
		assertThat(store.remind(id, Tokens.hash(Tokens.generate()))).isFalse();
		assertThat(tokenHash(id)).isNull();
		assertThat(count("SELECT count(*) FROM earlier_token")).isZero();
	}

	@Test
	void purgeForgetsTheHashesOfLongClosedInvitationsOnly() {
		long ann = person("ann");
		long bob = person("bob");
		long cid = person("cid");
		store.redeem(Tokens.hash(sent(ann)), "test");
		sent(bob);
		sent(cid);
		long dan = person("dan");
		sent(dan);
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '1 hour' WHERE person_id = ?", bob);
		jdbc.update("UPDATE invitation SET expires_at = now() - interval '40 days' WHERE person_id IN (?, ?)", cid,
				dan);
		// Recorded by the expiry job up to cid only: dan's link is forgotten once the job
		// has recorded that it expired, never before.
		jdbc.update("UPDATE invitation SET expires_at = expires_at + interval '1 second' WHERE person_id = ?", dan);
		store.expireDue(1, "job:expire#9");
		jdbc.update("UPDATE invitation SET closed_at = now() - interval '40 days' WHERE person_id = ?", ann);
		InvitationStore.Purged purged = store.purge(Duration.ofDays(30), 100);
		assertThat(purged.invitations()).isEqualTo(2);
		assertThat(tokenHash(invitationOf(ann))).isNull();
		assertThat(tokenHash(invitationOf(cid))).isNull();
		// Stored as expired, closed when it expired, as its hash goes.
		assertThat(stored(invitationOf(cid))).isEqualTo("EXPIRED");
		assertThat(jdbc.queryForObject("SELECT closed_at = expires_at FROM invitation WHERE id = ?", Boolean.class,
				invitationOf(cid)))
			.isTrue();
		assertThat(tokenHash(invitationOf(dan))).isNotNull();
		assertThat(stored(invitationOf(dan))).isEqualTo("SENT");
		assertThat(tokenHash(invitationOf(bob))).isNotNull();
	}

	@Test
	void abandoningARunCancelsWhatItStillHadQueuedAndSaysSoInItsReport() {
		long queued = queued(RUN, person("ann"));
		long inDoubt = queued(RUN, person("bob"));
		claimOne(RUN, inDoubt);
		jdbc.update("UPDATE delivery_claim SET allowance = '{1}'");
		long done = person("cid");
		sent(done);
		assertThat(store.abandonRun(RUN.jobInstanceId(), "admin")).isEqualTo(2);
		assertThat(status(queued)).isEqualTo("CANCELLED");
		assertThat(report(queued)).containsExactly("SKIPPED", "RUN_ABANDONED");
		assertThat(status(inDoubt)).isEqualTo("CANCELLED");
		assertThat(report(inDoubt)).containsExactly("FAILED", "IN_DOUBT_CANCELLED");
		assertThat(status(invitationOf(done))).isEqualTo("SENT");
		assertThat(report(invitationOf(done))).containsExactly("SENT", "-");
	}

}
