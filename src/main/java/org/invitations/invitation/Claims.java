package org.invitations.invitation;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.spec.Kind;

/**
 * The claim before a chunk's messages leave: tokens issued, eligibility checked again
 * (the suppression list included), those no longer eligible SKIPPED. A chunk is claimed
 * with one {@code delivery_claim} row that lists its invitations and the hashes of their
 * new tokens; the invitations themselves stay QUEUED until the outcome is recorded, which
 * deletes that row. Every write of an invitation updates all of its indexes, so writing
 * each one twice on its way (queued, then sent) instead of three times is the cheapest
 * claim there is. An invitation an earlier execution may have sent before it died is
 * marked on its own row instead: SENDING, with that execution's id, in doubt.
 */
final class Claims {

	private final JdbcTemplate jdbc;

	private final History history;

	private final ReportRows reports;

	Claims(JdbcTemplate jdbc, History history, ReportRows reports) {
		this.jdbc = jdbc;
		this.history = history;
		this.reports = reports;
	}

	List<Claimed> claim(RunRef run, Eligibility rule, List<Claimed.Request> items) {
		InvitationStore.byPrimaryKeyOnly(jdbc);
		Long[] ids = items.stream().map(Claimed.Request::invitationId).toArray(Long[]::new);
		Map<Long, String> status = new HashMap<>();
		Map<Long, Eligibility.Refusal> skip = new HashMap<>();
		// The suppression list is read in the same query: one probe of its index per
		// invitation, for the address the invitation was queued for.
		jdbc.query("""
				SELECT i.id, i.kind, i.status, i.sending_execution_id, p.email_active, p.last_login_at,
				       p.email_normalized <> i.email_normalized AS address_changed, %s
				FROM invitation i JOIN person p ON p.id = i.person_id %s
				WHERE i.id = ANY(?)
				""".formatted(Suppressions.COLUMNS, Suppressions.joinActive("i.email_normalized")),
				(RowCallbackHandler) rs -> {
					long id = rs.getLong("id");
					// SENDING by this execution is in flight here: not to be claimed
					// twice.
					boolean inFlight = InvitationStatus.SENDING.dbValue().equals(rs.getString("status"))
							&& rs.getLong("sending_execution_id") == run.claimant();
					status.put(id, inFlight ? "IN_FLIGHT" : rs.getString("status"));
					Timestamp login = rs.getTimestamp("last_login_at");
					Suppression suppressed = Suppressions.read(rs);
					// A suppressed address is said first, as the rule says it. Otherwise
					// the link
					// goes to the address it was queued for or to no one; the person can
					// be
					// invited anew.
					Eligibility.Refusal refusal = rs.getBoolean("address_changed") && suppressed == null
							? new Eligibility.Refusal(SkipReason.ADDRESS_CHANGED,
									"the person's address changed after the invitation was queued")
							: rule.check(suppressed, Kind.valueOf(rs.getString("kind")), rs.getBoolean("email_active"),
									login == null ? null : login.toInstant());
					if (refusal != null) {
						skip.put(id, refusal);
					}
				}, (Object) ids);
		// The expiry each message states is the one stored when it is recorded as sent.
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		List<Claimed> fresh = new ArrayList<>();
		List<Claimed> inDoubt = new ArrayList<>();
		Map<Long, Eligibility.Refusal> skipped = new HashMap<>();
		Set<Long> seen = new HashSet<>();
		for (Claimed.Request item : items) {
			// Claimed once however often it was read.
			String current = seen.add(item.invitationId()) ? status.get(item.invitationId()) : null;
			boolean sending = InvitationStatus.SENDING.dbValue().equals(current);
			if (!InvitationStatus.QUEUED.dbValue().equals(current) && !sending) {
				continue;
			}
			if (skip.containsKey(item.invitationId())) {
				skipped.put(item.invitationId(), skip.get(item.invitationId()));
				continue;
			}
			Claimed claim = new Claimed(item.invitationId(), Tokens.generate(), now.plus(item.tokenTtl()), sending, 0);
			(claim.inDoubt() ? inDoubt : fresh).add(claim);
		}
		List<Claimed> claims = new ArrayList<>(fresh.size() + inDoubt.size());
		if (!fresh.isEmpty()) {
			Long batch = jdbc.queryForObject(
					"""
							INSERT INTO delivery_claim (delivery_instance_id, job_execution_id, invitation_ids, token_hashes, claimed_at,
							                            slices, allowance, outcomes)
							VALUES (?, ?, ?::bigint[], ?::bytea[], ?::timestamptz, 1, '{0}', '{""}')
							RETURNING id
							""",
					Long.class, run.jobInstanceId(), run.claimant(),
					fresh.stream().map(Claimed::invitationId).toArray(Long[]::new),
					fresh.stream().map(Claimed::tokenHash).toArray(byte[][]::new), now.toString());
			fresh.forEach(c -> claims
				.add(new Claimed(c.invitationId(), c.token(), c.tokenHash(), c.expiresAt(), false, batch)));
		}
		claims.addAll(claimInDoubt(run, inDoubt));
		skip(run, skipped);
		return claims;
	}

	/**
	 * An interrupted attempt's link may have arrived, and most people open the first
	 * email: it stays valid beside the new link (kept in {@code earlier_token}) until one
	 * of them is used or the invitation closes. The invitation row itself carries the
	 * claim of these few, as it did for the execution that died.
	 */
	private List<Claimed> claimInDoubt(RunRef run, List<Claimed> inDoubt) {
		if (inDoubt.isEmpty()) {
			return List.of();
		}
		Long[] ids = inDoubt.stream().map(Claimed::invitationId).toArray(Long[]::new);
		jdbc.update("""
				INSERT INTO earlier_token (token_hash, invitation_id)
				SELECT token_hash, id FROM invitation
				WHERE id = ANY(?) AND CASE status WHEN 'SENDING' THEN token_hash IS NOT NULL ELSE false END
				ON CONFLICT DO NOTHING
				""", (Object) ids);
		Set<Long> claimed = new HashSet<>(jdbc.queryForList("""
				UPDATE invitation i SET token_hash = t.hash, expires_at = t.expires, sending_execution_id = ?
				FROM unnest(?::bytea[], ?::bigint[], ?::timestamptz[]) AS t(hash, id, expires)
				WHERE i.id = t.id AND CASE i.status WHEN 'SENDING' THEN true ELSE false END
				RETURNING i.id
				""", Long.class, run.claimant(), inDoubt.stream().map(Claimed::tokenHash).toArray(byte[][]::new), ids,
				inDoubt.stream().map(c -> c.expiresAt().toString()).toArray(String[]::new)));
		List<Claimed> claims = inDoubt.stream().filter(c -> claimed.contains(c.invitationId())).toList();
		history.add(claims.stream().map(Claimed::invitationId).toList(), EventType.IN_DOUBT, run.actor(),
				"an earlier attempt was interrupted after its message may have left; sending again with a new link,"
						+ " the first link stays valid until one of them is used");
		return claims;
	}

	/**
	 * Those no longer eligible: SKIPPED, with the reason in their history and report
	 * rows.
	 */
	private void skip(RunRef run, Map<Long, Eligibility.Refusal> skipped) {
		if (skipped.isEmpty()) {
			return;
		}
		Long[] ids = skipped.keySet().toArray(Long[]::new);
		jdbc.update("""
				UPDATE invitation SET status = 'SKIPPED', token_hash = NULL, closed_at = now()
				WHERE id = ANY(?) AND CASE status WHEN 'QUEUED' THEN true WHEN 'SENDING' THEN true ELSE false END
				""", (Object) ids);
		String[] details = new String[ids.length];
		String[] reasons = new String[ids.length];
		for (int i = 0; i < ids.length; i++) {
			reasons[i] = skipped.get(ids[i]).reason().dbValue();
			details[i] = skipped.get(ids[i]).detail() + ", before sending";
		}
		String[] outcomes = new String[ids.length];
		String[] types = new String[ids.length];
		java.util.Arrays.fill(outcomes, ReportOutcome.SKIPPED.dbValue());
		java.util.Arrays.fill(types, EventType.SKIPPED.dbValue());
		history.add(ids, types, run.actor(), details);
		reports.update(run.jobInstanceId(), run.jobExecutionId(), ids, outcomes, reasons, details);
	}

}
