package org.invitations.expiry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.InvitationStore;
import org.invitations.invitation.Reason;
import org.invitations.invitation.ReportOutcome;
import org.invitations.invitation.RunRef;
import org.invitations.invitation.Suppressions;
import org.invitations.invitation.Tokens;
import org.invitations.run.BatchMetadata;
import org.invitations.run.JobParameterNames;
import org.invitations.spec.Kind;
import org.invitations.mail.PendingInvitation;

/**
 * The reminders' SQL: which invitations are due, the claim that swaps in the reminder's
 * link (the first link kept beside it in {@code earlier_token}, as for an in-doubt
 * re-send), and the outcome with its history and report rows.
 */
class ReminderStore {

	/**
	 * One invitation due for its reminder, with the new link's token (plaintext, in
	 * memory only).
	 */
	record Due(PendingInvitation invitation, String specName, String specPath, Instant expiresAt, byte[] firstHash,
			String token) {
	}

	private final JdbcTemplate jdbc;

	private final InvitationStore invitations;

	ReminderStore(JdbcTemplate jdbc, InvitationEvents events) {
		this.jdbc = jdbc;
		this.invitations = new InvitationStore(jdbc, events);
	}

	/**
	 * Claims up to {@code limit} invitations that are sent, unaccepted, expire within
	 * {@code before} but not within {@code minRemaining}, were never reminded and are not
	 * in this run's report yet; the person must still be reachable at the address it was
	 * sent to, with an active email and, for an invitation, never logged in, and the
	 * address must not be suppressed (one probe of the suppression list each). Each is
	 * marked reminded and given a new link, the first one kept valid beside it. Call in a
	 * transaction of its own.
	 */
	List<Due> claim(long jobInstanceId, Duration before, Duration minRemaining, int limit) {
		List<Due> due = jdbc.query(
				"""
						SELECT i.id, i.person_id, i.kind, extract(epoch FROM i.token_ttl)::bigint,
						       coalesce(i.email, i.email_normalized), p.first_name, p.last_name, r.name, i.spec_name, i.expires_at,
						       %s,
						       i.token_hash
						FROM invitation i JOIN person p ON p.id = i.person_id LEFT JOIN role r ON r.id = i.role_id
						WHERE i.status = 'SENT' AND i.reminded_at IS NULL
						  AND i.expires_at > now() + make_interval(secs => ?) AND i.expires_at <= now() + make_interval(secs => ?)
						  AND p.email_active AND p.email_normalized = i.email_normalized
						  AND (i.kind = 'PASSWORD_RESET' OR p.last_login_at IS NULL)
						  AND NOT %s
						  AND NOT EXISTS (SELECT 1 FROM job_report_item j WHERE j.invitation_id = i.id AND j.job_instance_id = ?)
						ORDER BY i.expires_at, i.id LIMIT ? FOR UPDATE OF i SKIP LOCKED
						"""
					.formatted(BatchMetadata.parameterOfExecution("i.job_execution_id", JobParameterNames.SPEC_PATH),
							Suppressions.exists("i.email_normalized")),
				(rs, n) -> new Due(
						new PendingInvitation(rs.getLong(1), rs.getLong(2), Kind.valueOf(rs.getString(3)),
								Duration.ofSeconds(rs.getLong(4)), rs.getString(5), rs.getString(6), rs.getString(7),
								rs.getString(8)),
						rs.getString(9), rs.getString(11), rs.getTimestamp(10).toInstant(), rs.getBytes(12),
						Tokens.generate()),
				(double) minRemaining.toSeconds(), (double) before.toSeconds(), jobInstanceId, limit);
		// Locked above, so each is still SENT.
		due.forEach(reminder -> invitations.remind(reminder.invitation().id(), Tokens.hash(reminder.token())));
		return due;
	}

	/**
	 * How many invitations {@link #claim} would remind now (in a run with no report rows
	 * yet), without claiming them: the preview of an expiry run.
	 */
	long countDue(Duration before, Duration minRemaining) {
		Long count = jdbc.queryForObject(
				"""
						SELECT count(*) FROM invitation i JOIN person p ON p.id = i.person_id
						WHERE i.status = 'SENT' AND i.reminded_at IS NULL
						  AND i.expires_at > now() + make_interval(secs => ?) AND i.expires_at <= now() + make_interval(secs => ?)
						  AND p.email_active AND p.email_normalized = i.email_normalized
						  AND (i.kind = 'PASSWORD_RESET' OR p.last_login_at IS NULL)
						  AND NOT %s
						"""
					.formatted(Suppressions.exists("i.email_normalized")),
				Long.class, (double) minRemaining.toSeconds(), (double) before.toSeconds());
		return count == null ? 0 : count;
	}

	/**
	 * Undoes a claim whose message was not delivered: the reminder's link never left, so
	 * the first link is the invitation's own again; {@code remindAgain} lets a later run
	 * try again (a temporary refusal, a server that went away), else the invitation stays
	 * reminded (a permanent refusal).
	 */
	void release(Due reminder, boolean remindAgain) {
		invitations.unremind(reminder.invitation().id(), reminder.firstHash(), Tokens.hash(reminder.token()),
				remindAgain);
	}

	/** Writes a reminder's history event and its row in this run's report. */
	void record(long jobInstanceId, long jobExecutionId, String actor, Due reminder, String outcome, String reason,
			String detail) {
		invitations.recordReminder(new RunRef(jobInstanceId, jobExecutionId, actor), reminder.invitation().id(),
				reminder.invitation().personId(), reminder.invitation().email(), reminder.invitation().kind(),
				ReportOutcome.of(outcome), reason(reason), detail);
	}

	private static Reason reason(String code) {
		return code == null ? null : Reason.of(code);
	}

}
