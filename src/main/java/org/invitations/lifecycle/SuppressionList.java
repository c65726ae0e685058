package org.invitations.lifecycle;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.invitation.SuppressedBecause;
import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;

/**
 * The suppression list as admins keep it: the addresses no run invites again, listed,
 * added with a reason, lifted. The {@code suppress} command and the console's Suppressed
 * page make the same calls here; a cancel that stops future invitations goes through
 * {@link InvitationAdmin}.
 */
@Service
public class SuppressionList {

	private final Suppressions suppressions;

	public SuppressionList(JdbcTemplate jdbc) {
		this.suppressions = new Suppressions(jdbc);
	}

	/**
	 * Active entries newest first, below {@code before} (all when null), whose address
	 * starts with {@code prefix} (any when null).
	 */
	public List<Suppression> page(@Nullable String prefix, @Nullable Long before, int limit) {
		return suppressions.page(prefix, before, limit);
	}

	/** The address's active entry, if it is suppressed. */
	public Optional<Suppression> of(String email) {
		return suppressions.active(email);
	}

	/**
	 * Stops future invitations to an address, with the admin's reason; an address
	 * suppressed already keeps its entry.
	 * @param source where it is done: {@code console}, {@code command line}
	 * @throws IllegalArgumentException when the text is no email address or the reason is
	 * blank
	 */
	public Suppressions.Added add(String email, String reason, String source, String by) {
		return suppressions.add(email, SuppressedBecause.ADMIN, reason, source, by);
	}

	/** Lets runs invite an address again: @return the entry lifted, or empty if none. */
	public Optional<Suppression> lift(String email, String by) {
		return suppressions.lift(email, by);
	}

}
