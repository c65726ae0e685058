package org.invitations.source;

import java.util.List;

/**
 * One input item as read, before validation: a CSV data row or a group member.
 *
 * @param itemNumber stable number of the item within its job instance (CSV: data row
 * index; group: person id)
 * @param line the CSV line the row starts on, or {@code null} for a group member
 * @param email the address as written
 * @param firstName first name as written
 * @param lastName last name as written
 * @param externalId the person's id in the source system, or {@code null}
 * @param emailActive the {@code email_active} cell as written, or {@code null} when
 * absent
 * @param groups group names to add the person to
 * @param personId the stored person, for group members
 * @param problem why the row could not be read as a person, or {@code null}
 */
public record SourceRow(long itemNumber, Long line, String email, String firstName, String lastName, String externalId,
		String emailActive, List<String> groups, Long personId, String problem) {

	public static SourceRow unreadable(long itemNumber, long line, String email, String problem) {
		return new SourceRow(itemNumber, line, email, null, null, null, null, List.of(), null, problem);
	}

}
