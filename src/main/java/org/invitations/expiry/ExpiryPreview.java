package org.invitations.expiry;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.InvitationStore;
import org.invitations.spec.ExpirySpec;

/**
 * What a run of an expiry spec would do now, counted without changing anything: the
 * console's dry run of an expiry spec, whose page offers to run it, reminders included,
 * only with the number of reminders it showed.
 */
@Service
public class ExpiryPreview {

	private final JdbcTemplate jdbc;

	public ExpiryPreview(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * The counts.
	 *
	 * @param expire invitations past their expiry, by spec
	 * @param remind reminders that would be sent, or {@code null} when the spec sends
	 * none
	 */
	public record Preview(Map<String, Long> expire, @Nullable Long remind) {

		public long expireTotal() {
			return expire.values().stream().mapToLong(Long::longValue).sum();
		}

	}

	public Preview of(ExpirySpec spec) {
		Long remind = spec.remind() == null ? null : new ReminderStore(jdbc, InvitationEvents.OFF)
			.countDue(spec.remind().before(), spec.remind().minRemaining());
		return new Preview(new InvitationStore(jdbc, InvitationEvents.OFF).countDue(), remind);
	}

}
