package org.invitations.resend;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.run.RunContext;
import org.invitations.report.ReportItem;
import org.invitations.report.ReportRepository;
import org.invitations.spec.Kind;

/**
 * Applies the resend rules to each candidate and queues the ones that pass for this run's deliver step, to the
 * person's current address: the old link is retired at once (a new token is issued when the message is sent),
 * the history says RESENT, and the report has a row per candidate.
 */
public class ResendWriter implements ItemWriter<ResendCandidate> {

	private final JdbcTemplate jdbc;

	private final RunContext run;

	private final ReportRepository reports;

	public ResendWriter(JdbcTemplate jdbc, RunContext run, ReportRepository reports) {
		this.jdbc = jdbc;
		this.run = run;
		this.reports = reports;
	}

	@Override
	public void write(Chunk<? extends ResendCandidate> chunk) {
		List<ReportItem> report = new ArrayList<>();
		Instant now = Instant.now();
		for (ResendCandidate candidate : chunk) {
			String skip = skipReason(candidate, now);
			if (skip != null) {
				String[] reason = skip.split(":", 2);
				report.add(item(candidate, "SKIPPED", reason[0], reason[1]));
				continue;
			}
			if (run.dryRun()) {
				report.add(item(candidate, "WOULD_SEND", null, "attempt " + (candidate.attempts() + 1)));
				continue;
			}
			report.add(requeue(candidate) ? item(candidate, "QUEUED", null, "attempt " + (candidate.attempts() + 1))
					: item(candidate, "SKIPPED", "ALREADY_INVITED", "the person has another open invitation of this kind"));
		}
		reports.insert(run, report);
	}

	private String skipReason(ResendCandidate candidate, Instant now) {
		switch (candidate.status()) {
			case "ACCEPTED":
				return "ALREADY_ACCEPTED:the link was used";
			case "CANCELLED":
				return "CANCELLED:the invitation was cancelled";
			case "QUEUED", "SENDING":
				return "ALREADY_QUEUED:a run is sending it";
			case "SKIPPED":
				return "NOT_SENT:the invitation was never sent";
			default:
				break;
		}
		if (candidate.attempts() >= run.spec().resend().maxAttempts()) {
			return "RESEND_LIMIT:" + candidate.attempts() + " attempts, at most " + run.spec().resend().maxAttempts();
		}
		if (candidate.lastSentAt() != null && candidate.lastSentAt().plus(run.spec().resend().minInterval()).isAfter(now)) {
			return "RESEND_TOO_SOON:last sent " + candidate.lastSentAt() + ", at most one send per "
					+ run.spec().resend().minInterval();
		}
		if (run.spec().filters().activeEmail() && !candidate.emailActive()) {
			return "EMAIL_INACTIVE:email is marked inactive";
		}
		if (candidate.kind() == Kind.INVITATION && candidate.lastLoginAt() != null && run.spec().filters().neverLoggedIn()) {
			return "ALREADY_LOGGED_IN:last login " + candidate.lastLoginAt();
		}
		return null;
	}

	/** Reopens the invitation for this run, unless the person meanwhile has another open one of the kind. */
	private boolean requeue(ResendCandidate candidate) {
		jdbc.update("""
				INSERT INTO retired_token (token_hash, invitation_id, reason)
				SELECT token_hash, id, 'SUPERSEDED' FROM invitation WHERE id = ? AND token_hash IS NOT NULL
				ON CONFLICT DO NOTHING
				""", candidate.invitationId());
		int updated = jdbc.update("""
				UPDATE invitation i SET status = 'QUEUED', token_hash = NULL, expires_at = NULL, closed_at = NULL,
				       delivery_instance_id = ?, resent_at = now(), email = p.email, email_normalized = p.email_normalized
				FROM person p
				WHERE i.id = ? AND p.id = i.person_id AND i.status IN ('SENT', 'EXPIRED', 'DEFERRED', 'FAILED')
				  AND NOT EXISTS (SELECT 1 FROM invitation o WHERE o.person_id = i.person_id AND o.kind = i.kind
				                  AND o.id <> i.id AND o.status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED'))
				""", run.jobInstanceId(), candidate.invitationId());
		if (updated == 1) {
			// The links kept from an interrupted attempt stop working with the one they were kept beside.
			jdbc.update("""
					WITH kept AS (DELETE FROM earlier_token WHERE invitation_id = ? RETURNING token_hash, invitation_id)
					INSERT INTO retired_token (token_hash, invitation_id, reason)
					SELECT token_hash, invitation_id, 'SUPERSEDED' FROM kept ON CONFLICT DO NOTHING
					""", candidate.invitationId());
			jdbc.update("INSERT INTO invitation_event (invitation_id, type, actor, detail) VALUES (?, 'RESENT', ?, ?)",
					candidate.invitationId(), run.actor(), "was " + candidate.status() + "; the old link no longer works");
		}
		return updated == 1;
	}

	private static ReportItem item(ResendCandidate candidate, String outcome, String reason, String detail) {
		// No normalised address: a person may have two invitations (two kinds) in one resend run.
		return new ReportItem(candidate.invitationId(), null, candidate.email(), null, candidate.personId(),
				candidate.invitationId(),
				candidate.kind(), outcome, reason, detail);
	}

}
