package org.invitations.invitation;

/**
 * Finds the invitations of some people through the two indexes that hold them by person
 * (V28): the open ones through the index that keeps a person to one open invitation of
 * each kind, the closed ones through an index of their own. A run writes an invitation
 * twice, queued and then sent, both open: neither write adds an entry to a third index.
 * <p>
 * A plain condition on {@code person_id} finds no index with all of them, so PostgreSQL
 * would read the whole table: statements that look invitations up by person take their
 * ids from here.
 */
public final class ByPerson {

	private static final String OPEN = InvitationStatus.sqlList(InvitationStatus.OPEN);

	private ByPerson() {
	}

	/**
	 * A subquery of the ids of the invitations of the people {@code persons} (a subquery
	 * of person ids) selects. {@code persons} appears twice: its parameters are given
	 * twice, or named.
	 */
	public static String invitationIds(String persons) {
		return "SELECT open_i.id FROM invitation open_i WHERE open_i.person_id IN (" + persons
				+ ") AND open_i.status IN " + OPEN
				+ " UNION ALL SELECT closed_i.id FROM invitation closed_i WHERE closed_i.person_id IN (" + persons
				+ ") AND closed_i.status NOT IN " + OPEN;
	}

}
