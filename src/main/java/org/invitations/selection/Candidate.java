package org.invitations.selection;

import java.util.List;

import org.invitations.invitation.RejectReason;
import org.invitations.source.SourceRow;

/**
 * An input item after validation: either a person to consider, or a rejection with its
 * reason.
 *
 * @param row the item as read
 * @param email the address, trimmed
 * @param emailNormalized the address as matched against stored people
 * @param emailActive the {@code email_active} cell, or {@code null} when the row does not
 * say
 * @param rejection why the row is refused, or {@code null}
 * @param detail what exactly was wrong, for the report
 */
public record Candidate(SourceRow row, String email, String emailNormalized, Boolean emailActive,
		RejectReason rejection, String detail) {

	static Candidate rejected(SourceRow row, RejectReason reason, String detail) {
		String email = row.email() == null ? null : row.email().strip();
		return new Candidate(row, email, null, null, reason, detail);
	}

	public boolean isRejected() {
		return rejection != null;
	}

	public String firstName() {
		return row.firstName() == null ? "" : row.firstName().strip();
	}

	public String lastName() {
		return row.lastName() == null ? "" : row.lastName().strip();
	}

	public String externalId() {
		return row.externalId() == null ? null : row.externalId().strip();
	}

	public List<String> groups() {
		return row.groups();
	}

}
