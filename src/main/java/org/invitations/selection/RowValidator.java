package org.invitations.selection;

import java.util.Locale;

import org.springframework.batch.infrastructure.item.ItemProcessor;

import org.invitations.invitation.RejectReason;
import org.invitations.source.SourceRow;

/**
 * Checks one input item on its own (no database): required fields, address syntax and
 * limits, control characters. Never filters: a refused row comes out as a rejected
 * {@link Candidate} so the report keeps it.
 */
public class RowValidator implements ItemProcessor<SourceRow, Candidate> {

	@Override
	public Candidate process(SourceRow row) {
		if (row.problem() != null) {
			int colon = row.problem().indexOf(':');
			return Candidate.rejected(row, RejectReason.valueOf(row.problem().substring(0, colon)),
					row.problem().substring(colon + 1));
		}
		String field = fieldWithControlCharacter(row);
		if (field != null) {
			return Candidate.rejected(row, RejectReason.CONTROL_CHARACTER, field + " contains a control character");
		}
		if (row.email() == null || row.email().isBlank()) {
			return Candidate.rejected(row, RejectReason.MISSING_EMAIL, "email is empty");
		}
		String email = row.email().strip();
		EmailAddresses.Problem problem = EmailAddresses.check(email);
		if (problem != null) {
			return Candidate.rejected(row, problem.reason(), problem.detail());
		}
		Boolean active = null;
		if (row.emailActive() != null) {
			active = parseBoolean(row.emailActive());
			if (active == null) {
				return Candidate.rejected(row, RejectReason.INVALID_VALUE,
						"email_active '" + row.emailActive() + "' must be true or false");
			}
		}
		return new Candidate(row, email, EmailAddresses.normalize(email), active, null, null);
	}

	private static String fieldWithControlCharacter(SourceRow row) {
		if (hasControl(row.email())) {
			return "email";
		}
		if (hasControl(row.firstName())) {
			return "first_name";
		}
		if (hasControl(row.lastName())) {
			return "last_name";
		}
		if (hasControl(row.externalId())) {
			return "external_id";
		}
		if (hasControl(row.emailActive())) {
			return "email_active";
		}
		for (String group : row.groups()) {
			if (hasControl(group)) {
				return "groups";
			}
		}
		return null;
	}

	/**
	 * Any C0/C1 control, including CR, LF and TAB: none belongs in a name or an address.
	 */
	static boolean hasControl(String value) {
		// A loop, not value.chars(): five fields of every input row pass here, and the
		// stream cost more than the check.
		if (value == null) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i))) {
				return true;
			}
		}
		return false;
	}

	private static Boolean parseBoolean(String text) {
		return switch (text.strip().toLowerCase(Locale.ROOT)) {
			case "true", "yes", "1", "y" -> Boolean.TRUE;
			case "false", "no", "0", "n" -> Boolean.FALSE;
			default -> null;
		};
	}

}
