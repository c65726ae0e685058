package org.invitations.mail;

import java.time.Duration;

import org.invitations.spec.Kind;

/**
 * A queued (or interrupted) invitation of the running job instance, with what the email
 * needs.
 *
 * @param id the invitation
 * @param personId the person
 * @param kind invitation or password reset
 * @param tokenTtl how long the link will stay valid
 * @param email the address the invitation was queued for, the only one it may be sent to
 * @param firstName first name
 * @param lastName last name
 * @param role the role given
 */
public record PendingInvitation(long id, long personId, Kind kind, Duration tokenTtl, String email, String firstName,
		String lastName, String role) {
}
