package org.invitations.invitation;

import java.util.Arrays;
import java.util.List;

/**
 * What happened to one item of a run: the values of the {@code job_report_item.outcome}
 * check constraint, in the order a report lists them (those sent first, those never sent
 * last).
 */
public enum ReportOutcome {

	/** Accepted by the mail server. */
	SENT,

	/** A dry run's verdict: would have been sent. */
	WOULD_SEND,

	/** Queued for delivery, not sent yet. */
	QUEUED,

	/** Refused for now by the mail server. */
	DEFERRED,

	/**
	 * Refused for good by the mail server, or cut off so that it may or may not have
	 * arrived.
	 */
	FAILED,

	/** A valid person who was sent nothing, with a {@link SkipReason}. */
	SKIPPED,

	/** An input row that could not become a person, with a {@link RejectReason}. */
	REJECTED;

	/** The value stored in the database. */
	public String dbValue() {
		return name();
	}

	public static ReportOutcome of(String dbValue) {
		return valueOf(dbValue);
	}

	/** Every stored value, in report order. */
	public static List<String> dbValues() {
		return Arrays.stream(values()).map(ReportOutcome::dbValue).toList();
	}

}
