package org.invitations.delivery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.job.RunContext;
import org.invitations.spec.Kind;

/**
 * The invitation state changes around a send, each batch committed on its own: a claim before the messages
 * leave (tokens issued, eligibility checked again), and the outcome after the server answered.
 */
public class DeliveryStore {

	private final JdbcTemplate jdbc;

	public DeliveryStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * An invitation ready to be sent; the token lives only here and in the message.
	 *
	 * @param inDoubt an earlier attempt was cut off after its message may have left
	 */
	public record Claim(PendingInvitation invitation, String token, Instant expiresAt, boolean inDoubt) {

		@Override
		public String toString() {
			return "Claim[invitation=" + invitation.id() + ", inDoubt=" + inDoubt + "]";
		}

	}

	/** Outcome of one claim. */
	public record Outcome(Claim claim, SendResult result) {
	}

	/**
	 * Marks these invitations SENDING with a fresh token each. Invitations already past SENDING are left out
	 * (a replay); people who meanwhile logged in or lost their active email are skipped.
	 */
	public List<Claim> claim(RunContext run, List<? extends PendingInvitation> items) {
		Long[] ids = items.stream().map(PendingInvitation::id).toArray(Long[]::new);
		Map<Long, String> status = new HashMap<>();
		Map<Long, String> skip = new HashMap<>();
		jdbc.query("""
				SELECT i.id, i.kind, i.status, p.email_active, p.last_login_at
				FROM invitation i JOIN person p ON p.id = i.person_id
				WHERE i.id = ANY(?) FOR UPDATE OF i
				""", (RowCallbackHandler) rs -> {
			long id = rs.getLong("id");
			status.put(id, rs.getString("status"));
			Timestamp login = rs.getTimestamp("last_login_at");
			Kind kind = Kind.valueOf(rs.getString("kind"));
			if (run.spec().filters().activeEmail() && !rs.getBoolean("email_active")) {
				skip.put(id, "EMAIL_INACTIVE:email became inactive before sending");
			}
			else if (kind == Kind.INVITATION && login != null && run.spec().filters().neverLoggedIn()) {
				skip.put(id, "ALREADY_LOGGED_IN:logged in at " + login.toInstant() + ", before sending");
			}
		}, (Object) ids);
		List<Claim> claims = new ArrayList<>();
		List<Object[]> updates = new ArrayList<>();
		List<Object[]> skipped = new ArrayList<>();
		for (PendingInvitation item : items) {
			String current = status.get(item.id());
			if (!"QUEUED".equals(current) && !"SENDING".equals(current)) {
				continue;
			}
			if (skip.containsKey(item.id())) {
				skipped.add(new Object[] { item.id(), skip.get(item.id()) });
				continue;
			}
			String token = Tokens.generate();
			claims.add(new Claim(item, token, null, "SENDING".equals(current)));
			updates.add(new Object[] { Tokens.hashHex(token), item.id() });
		}
		// An interrupted attempt's link may have arrived: it is replaced, and remembered as superseded.
		jdbc.update("""
				INSERT INTO retired_token (token_hash, invitation_id, reason)
				SELECT token_hash, id, 'SUPERSEDED' FROM invitation
				WHERE id = ANY(?) AND status = 'SENDING' AND token_hash IS NOT NULL ON CONFLICT DO NOTHING
				""", (Object) claims.stream().filter(Claim::inDoubt).map(c -> c.invitation().id()).toArray(Long[]::new));
		jdbc.batchUpdate("""
				UPDATE invitation SET status = 'SENDING', token_hash = decode(?, 'hex'), expires_at = now() + token_ttl
				WHERE id = ?
				""", updates);
		Map<Long, Instant> expiry = new HashMap<>();
		jdbc.query("SELECT id, expires_at FROM invitation WHERE id = ANY(?)",
				(RowCallbackHandler) rs -> expiry.put(rs.getLong(1), rs.getTimestamp(2).toInstant()),
				(Object) claims.stream().map(c -> c.invitation().id()).toArray(Long[]::new));
		recordSkips(run, skipped);
		events(run, claims.stream().filter(Claim::inDoubt).map(c -> c.invitation().id()).toList(), "IN_DOUBT",
				"an earlier attempt was interrupted after its message may have left; sending again with a new link");
		return claims.stream()
			.map(c -> new Claim(c.invitation(), c.token(), expiry.get(c.invitation().id()), c.inDoubt()))
			.toList();
	}

	private void recordSkips(RunContext run, List<Object[]> skipped) {
		if (skipped.isEmpty()) {
			return;
		}
		jdbc.batchUpdate("""
				UPDATE invitation SET status = 'SKIPPED', token_hash = NULL, closed_at = now() WHERE id = ?
				""", skipped.stream().map(s -> new Object[] { s[0] }).toList());
		List<Object[]> rows = new ArrayList<>();
		for (Object[] s : skipped) {
			String[] reason = ((String) s[1]).split(":", 2);
			rows.add(new Object[] { "SKIPPED", reason[0], reason[1], run.jobExecutionId(), s[0], run.jobInstanceId() });
			jdbc.update("INSERT INTO invitation_event (invitation_id, type, actor, detail) VALUES (?, 'SKIPPED', ?, ?)",
					s[0], run.actor(), reason[1]);
		}
		updateReport(rows);
	}

	/**
	 * Records what the server said. Messages never handed to the server go back to QUEUED without a token, so a
	 * restart sends them; accepted ones are SENT and never sent again.
	 */
	public void record(RunContext run, List<Outcome> outcomes, List<Claim> notSent, String whyNotSent) {
		List<Object[]> invitations = new ArrayList<>();
		List<Object[]> events = new ArrayList<>();
		List<Object[]> report = new ArrayList<>();
		for (Outcome outcome : outcomes) {
			long id = outcome.claim().invitation().id();
			String reply = outcome.result().reply();
			String status = outcome.result().status().name();
			invitations.add(new Object[] { status, reply, status, status, status, id });
			String detail = reply + (outcome.claim().inDoubt() && "SENT".equals(status)
					? " (in doubt: an interrupted earlier attempt may also have arrived)" : "");
			events.add(new Object[] { id, status, run.actor(), detail });
			String reason = switch (outcome.result().status()) {
				case SENT -> outcome.claim().inDoubt() ? "IN_DOUBT" : null;
				case FAILED -> "SMTP_REJECTED";
				case DEFERRED -> "SMTP_TEMPORARY";
			};
			report.add(new Object[] { status, reason, detail, run.jobExecutionId(), id, run.jobInstanceId() });
		}
		jdbc.update("""
				INSERT INTO retired_token (token_hash, invitation_id, reason)
				SELECT token_hash, id, 'FAILED' FROM invitation
				WHERE id = ANY(?) AND status = 'SENDING' AND token_hash IS NOT NULL ON CONFLICT DO NOTHING
				""", (Object) outcomes.stream()
			.filter(o -> o.result().status() != SendResult.Status.SENT)
			.map(o -> o.claim().invitation().id())
			.toArray(Long[]::new));
		jdbc.batchUpdate("""
				UPDATE invitation SET status = ?, last_smtp_reply = ?, attempt_count = attempt_count + 1,
				       sent_at = CASE WHEN ? = 'SENT' THEN now() ELSE sent_at END,
				       token_hash = CASE WHEN ? = 'SENT' THEN token_hash END,
				       closed_at = CASE WHEN ? = 'FAILED' THEN now() END
				WHERE id = ? AND status = 'SENDING'
				""", invitations);
		jdbc.batchUpdate("INSERT INTO invitation_event (invitation_id, type, actor, detail) VALUES (?, ?, ?, ?)",
				events);
		updateReport(report);
		if (!notSent.isEmpty()) {
			jdbc.update("""
					UPDATE invitation SET status = 'QUEUED', token_hash = NULL, expires_at = NULL
					WHERE id = ANY(?) AND status = 'SENDING'
					""", (Object) notSent.stream().map(c -> c.invitation().id()).toArray(Long[]::new));
			events(run, List.of(notSent.get(0).invitation().id()), "DEFERRED", whyNotSent);
		}
	}

	private void events(RunContext run, List<Long> ids, String type, String detail) {
		if (ids.isEmpty()) {
			return;
		}
		jdbc.update("""
				INSERT INTO invitation_event (invitation_id, type, actor, detail) SELECT unnest(?::bigint[]), ?, ?, ?
				""", ids.toArray(Long[]::new), type, run.actor(), detail);
	}

	private void updateReport(List<Object[]> rows) {
		jdbc.batchUpdate("""
				UPDATE job_report_item SET outcome = ?, reason = ?, detail = ?, job_execution_id = ?, updated_at = now()
				WHERE invitation_id = ? AND job_instance_id = ?
				""", rows);
	}

}
