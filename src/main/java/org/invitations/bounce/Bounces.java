package org.invitations.bounce;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.events.EventKind;
import org.invitations.events.InvitationEvents;
import org.invitations.invitation.BounceNotice;
import org.invitations.invitation.InvitationStore;

/**
 * Applies a bounce or complaint to the invitation it is about, in one transaction, once.
 * It is matched by the original message's {@code X-Invitation-Id} header, or else by the
 * invitation id in its Message-ID ({@code <invitation.ID.UNIQUE@domain>}), and believed
 * only if the report names the address that invitation was sent to: a report cannot
 * bounce someone else's invitation by naming its id.
 */
@Service
@EnableConfigurationProperties(BounceProperties.class)
public class Bounces {

	private static final Logger log = LoggerFactory.getLogger(Bounces.class);

	/** Who the history and the suppression list say applied it. */
	static final String ACTOR = "bounces";

	private static final Pattern MESSAGE_ID = Pattern.compile("<?invitation\\.(\\d{1,18})\\.[^@<>\\s]+@[^<>\\s]+>?");

	private final InvitationStore invitations;

	private final MeterRegistry meters;

	private final JdbcTemplate jdbc;

	private final InvitationEvents events;

	public Bounces(JdbcTemplate jdbc, InvitationEvents events, ObjectProvider<MeterRegistry> meters) {
		this.jdbc = jdbc;
		this.events = events;
		this.invitations = new InvitationStore(jdbc, events);
		this.meters = meters.getIfAvailable(() -> Metrics.globalRegistry);
	}

	/** What became of a report. */
	public enum Outcome {

		/** Matched and applied now. */
		APPLIED,

		/** Matched, and applied before: nothing changed. */
		DUPLICATE,

		/** No invitation of ours, or not its address: nothing changed. */
		UNMATCHED

	}

	@Transactional
	public Outcome apply(BounceReport report) {
		Long id = invitationId(report);
		String sentTo = id == null ? null : invitations.sentTo(id);
		if (sentTo == null || report.recipients().stream().noneMatch(address -> same(address, sentTo))) {
			log.debug("Bounce report {} matches no invitation (id {}, recipients {})", report.key(), id,
					report.recipients());
			return count(report, Outcome.UNMATCHED);
		}
		BounceNotice.Applied applied = invitations.applyBounce(new BounceNotice(id, report.kind(), report.key(),
				report.status(), report.detail(), report.source(), ACTOR));
		if (applied.duplicate()) {
			return count(report, Outcome.DUPLICATE);
		}
		if (applied.bounced()) {
			// The host application hears of it in this transaction, or not at all.
			events.record(jdbc, EventKind.BOUNCED, List.of(id), ACTOR);
		}
		log.info("{} for invitation {} ({}): {}{}", switch (report.kind()) {
			case HARD -> "Hard bounce";
			case SOFT -> "Soft bounce";
			case COMPLAINT -> "Complaint";
		}, id, report.source(), report.detail(), applied.suppressed() ? "; address suppressed" : "");
		return count(report, Outcome.APPLIED);
	}

	/** The invitation the report names: its header, or else its Message-ID. */
	static @Nullable Long invitationId(BounceReport report) {
		String header = report.invitationHeader();
		if (header != null && header.strip().matches("\\d{1,18}")) {
			return Long.valueOf(header.strip());
		}
		if (report.messageId() != null) {
			Matcher matcher = MESSAGE_ID.matcher(report.messageId().strip());
			if (matcher.matches()) {
				return Long.valueOf(matcher.group(1));
			}
		}
		return null;
	}

	private static boolean same(String address, String sentTo) {
		return address.strip().toLowerCase(Locale.ROOT).equals(sentTo.strip().toLowerCase(Locale.ROOT));
	}

	private Outcome count(BounceReport report, Outcome outcome) {
		meters
			.counter("invitations.bounces", "kind", report.kind().name().toLowerCase(Locale.ROOT), "outcome",
					outcome.name().toLowerCase(Locale.ROOT))
			.increment();
		return outcome;
	}

}
