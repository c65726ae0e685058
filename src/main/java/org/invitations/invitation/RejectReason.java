package org.invitations.invitation;

/** Why an input row was refused before it could become a person. */
public enum RejectReason implements Reason {

	MISSING_EMAIL, INVALID_EMAIL, EMAIL_TOO_LONG, CONTROL_CHARACTER, INVALID_VALUE, WRONG_COLUMN_COUNT,
	DUPLICATE_IN_FILE, EXTERNAL_ID_CONFLICT,

	/**
	 * The CSV record, or one of its fields, is longer than {@code invitations.import.*}.
	 */
	RECORD_TOO_LONG, FIELD_TOO_LONG

}
