package org.invitations.resend;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.Eligibility;
import org.invitations.invitation.InvitationStatus;
import org.invitations.invitation.InvitationStore;
import org.invitations.invitation.ReportItem;
import org.invitations.invitation.ReportOutcome;
import org.invitations.invitation.ReportRows;
import org.invitations.invitation.RunRef;
import org.invitations.invitation.SkipReason;
import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;
import org.invitations.run.RunContext;
import org.invitations.report.ReportRepository;

/**
 * Applies the resend rules to each candidate and queues the ones that pass for this run's
 * deliver step, to the person's current address: the old link is retired at once (a new
 * token is issued when the message is sent), the history says RESENT, and the report has
 * a row per candidate.
 */
public class ResendWriter implements ItemWriter<ResendCandidate> {

	private final RunContext run;

	private final InvitationStore invitations;

	private final Suppressions suppressions;

	private final ReportRows reports;

	private final RunRef ref;

	private final Eligibility eligibility;

	private final boolean anyInterval;

	/**
	 * @param reports unused: the report rows are written by {@link ReportRows}
	 */
	public ResendWriter(JdbcTemplate jdbc, RunContext run, ReportRepository reports) {
		this.run = run;
		// A resend queues again: the host application hears of it when it is sent.
		this.invitations = new InvitationStore(jdbc, InvitationEvents.OFF);
		this.suppressions = new Suppressions(jdbc);
		this.reports = new ReportRows(jdbc);
		this.ref = new RunRef(run.jobInstanceId(), run.jobExecutionId(), run.actor());
		this.eligibility = new Eligibility(run.spec().filters().activeEmail(), run.spec().filters().neverLoggedIn());
		this.anyInterval = ResendFilter.parse(run.sourceRef()).anyInterval();
	}

	private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	/** Why a candidate is not sent again, with the facts that say so. */
	private record Skip(SkipReason reason, String detail) {
	}

	@Override
	public void write(Chunk<? extends ResendCandidate> chunk) {
		List<ReportItem> report = new ArrayList<>();
		Instant now = Instant.now();
		Map<String, Suppression> suppressed = suppressions
			.activeFor(chunk.getItems().stream().map(ResendCandidate::emailNormalized).distinct().toList());
		for (ResendCandidate candidate : chunk) {
			Skip skip = skipReason(candidate, suppressed.get(candidate.emailNormalized()), now);
			if (skip != null) {
				report.add(item(candidate, ReportOutcome.SKIPPED, skip.reason(), skip.detail()));
				continue;
			}
			String attempt = "attempt " + (candidate.attempts() + 1) + (anyInterval && tooSoon(candidate, now)
					? ", sooner than resend.min-interval by the operator's override" : "");
			if (run.dryRun()) {
				report.add(item(candidate, ReportOutcome.WOULD_SEND, null, attempt));
				continue;
			}
			boolean queued = invitations.resend(ref, candidate.invitationId(), InvitationStatus.of(candidate.status()));
			report.add(queued ? item(candidate, ReportOutcome.QUEUED, null, attempt)
					: item(candidate, ReportOutcome.SKIPPED, SkipReason.ALREADY_INVITED,
							"the person has another open invitation of this kind"));
		}
		reports.insert(ref, report);
	}

	private boolean tooSoon(ResendCandidate candidate, Instant now) {
		return candidate.lastSentAt() != null
				&& candidate.lastSentAt().plus(run.spec().resend().minInterval()).isAfter(now);
	}

	private @Nullable Skip skipReason(ResendCandidate candidate, @Nullable Suppression suppressed, Instant now) {
		switch (InvitationStatus.of(candidate.status())) {
			case ACCEPTED:
				return new Skip(SkipReason.ALREADY_ACCEPTED, "the link was used");
			case CANCELLED:
				return new Skip(SkipReason.CANCELLED, "the invitation was cancelled");
			case QUEUED, SENDING:
				return new Skip(SkipReason.ALREADY_QUEUED, "a run is sending it");
			case SKIPPED:
				return new Skip(SkipReason.NOT_SENT, "the invitation was never sent");
			default:
				break;
		}
		if (candidate.attempts() >= run.spec().resend().maxAttempts()) {
			return new Skip(SkipReason.RESEND_LIMIT,
					candidate.attempts() + " attempts, at most " + run.spec().resend().maxAttempts());
		}
		Instant allowed = candidate.lastSentAt() == null ? null
				: candidate.lastSentAt().plus(run.spec().resend().minInterval());
		if (allowed != null && allowed.isAfter(now) && !anyInterval) {
			return new Skip(SkipReason.RESEND_TOO_SOON,
					"last sent " + MINUTE.format(candidate.lastSentAt()) + "; another send is allowed from "
							+ MINUTE.format(allowed) + " (resend.min-interval "
							+ run.spec().resend().minInterval().toString().substring(2).toLowerCase(Locale.ROOT)
							+ "), or now with the operator's override");
		}
		Eligibility.Refusal refusal = eligibility.check(suppressed, candidate.kind(), candidate.emailActive(),
				candidate.lastLoginAt());
		return refusal == null ? null : new Skip(refusal.reason(), refusal.detail());
	}

	private static ReportItem item(ResendCandidate candidate, ReportOutcome outcome, SkipReason reason, String detail) {
		// No normalised address: a person may have two invitations (two kinds) in one
		// resend run.
		return new ReportItem(candidate.invitationId(), null, candidate.email(), null, candidate.personId(),
				candidate.invitationId(), candidate.kind(), outcome, reason, detail);
	}

}
