package org.invitations.invitation;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where an invitation is: the values of the {@code invitation.status} check constraint,
 * by their names.
 */
public enum InvitationStatus {

	/** Waiting for a deliver step; no link yet. */
	QUEUED,

	/**
	 * Claimed by an execution that may have sent its message: in doubt until recorded.
	 */
	SENDING,

	/** Accepted by the mail server; its link works until it expires. */
	SENT,

	/** Refused for now by the mail server, with no retries left in its run. */
	DEFERRED,

	/** Refused for good by the mail server. */
	FAILED,

	/** Its link was used. */
	ACCEPTED,

	/** Its link expired unused. */
	EXPIRED,

	/** Cancelled by an admin or with its run. */
	CANCELLED,

	/** Not sent: the person stopped being eligible before the message left. */
	SKIPPED,

	/**
	 * Sent, then reported undeliverable for good by the recipient's mail server (a hard
	 * bounce): its link no longer works.
	 */
	BOUNCED;

	/**
	 * Open: a person has at most one of these per kind (the partial unique index of the
	 * schema).
	 */
	public static final Set<InvitationStatus> OPEN = EnumSet.of(QUEUED, SENDING, SENT, DEFERRED);

	/**
	 * What may be sent again: sent and not used, or never delivered. A bounced one is
	 * resent to the person's current address; while that address is on the suppression
	 * list (a hard bounce puts it there) the resend skips it as SUPPRESSED.
	 */
	public static final Set<InvitationStatus> RESENDABLE = EnumSet.of(SENT, EXPIRED, DEFERRED, FAILED, BOUNCED);

	/** The value stored in the database. */
	public String dbValue() {
		return name();
	}

	public boolean isOpen() {
		return OPEN.contains(this);
	}

	public static InvitationStatus of(String dbValue) {
		return valueOf(dbValue);
	}

	/** Every stored value, in this order (which lists and help texts follow). */
	public static List<String> dbValues() {
		return Arrays.stream(values()).map(InvitationStatus::dbValue).toList();
	}

	/**
	 * These statuses as an SQL list, {@code ('QUEUED', 'SENT')}, for statements that name
	 * them in their text.
	 */
	public static String sqlList(Set<InvitationStatus> statuses) {
		return statuses.stream().map(s -> "'" + s.dbValue() + "'").collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * The status readers see, in SQL, of the invitation row {@code alias}: a SENT one
	 * past its expiry is EXPIRED from that moment (V44); the expiry job records it later
	 * without rewriting the row.
	 */
	public static String shownSql(String alias) {
		return "CASE WHEN %1$s.status = 'SENT' AND %1$s.expires_at <= now() THEN 'EXPIRED' ELSE %1$s.status END"
			.formatted(alias);
	}

	/**
	 * An SQL condition: the invitation row {@code alias} is in {@code status} as readers
	 * see it (see {@link #shownSql}).
	 */
	public static String isSql(String alias, InvitationStatus status) {
		return switch (status) {
			case SENT -> "(%1$s.status = 'SENT' AND (%1$s.expires_at > now()) IS TRUE)".formatted(alias);
			case EXPIRED -> "(%1$s.status = 'EXPIRED' OR %1$s.status = 'SENT' AND (%1$s.expires_at <= now()) IS TRUE)"
				.formatted(alias);
			default -> "%s.status = '%s'".formatted(alias, status.dbValue());
		};
	}

	/**
	 * When the invitation row {@code alias} closed, in SQL, or null while open: a sent
	 * one past its expiry closed when it expired (see {@link #shownSql}).
	 */
	public static String closedAtSql(String alias) {
		return "coalesce(%1$s.closed_at, CASE WHEN %1$s.status = 'SENT' AND %1$s.expires_at <= now() THEN %1$s.expires_at END)"
			.formatted(alias);
	}

	/**
	 * An SQL condition: the invitation row {@code alias} is not a sent one past its
	 * expiry. With a stored status among {@link #OPEN}, it is open as readers see it (see
	 * {@link #shownSql}). The cheapest form: a run's million open invitations are counted
	 * with it from an index.
	 */
	public static String notExpiredSql(String alias) {
		return "(%1$s.status <> 'SENT' OR %1$s.expires_at > now())".formatted(alias);
	}

}
