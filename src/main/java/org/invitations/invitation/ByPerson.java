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
	 * of person ids, its parameters given once) selects: for each person, one lookup in
	 * each index.
	 */
	public static String invitationIds(String persons) {
		return "SELECT found.id FROM (" + persons + ") AS who(person_id) CROSS JOIN LATERAL ("
				+ "SELECT o.id FROM invitation o WHERE o.person_id = who.person_id AND o.status IN " + OPEN
				+ " UNION ALL SELECT c.id FROM invitation c WHERE c.person_id = who.person_id AND c.status NOT IN "
				+ OPEN + ") AS found";
	}

}
