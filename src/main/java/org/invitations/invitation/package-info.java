/**
 * The invitation and its state: the statuses and outcomes the database allows, every
 * statement that moves an invitation from one state to the next
 * ({@link org.invitations.invitation.InvitationStore}), the one rule of who may be sent
 * one ({@link org.invitations.invitation.Eligibility}), its tokens, and the report rows
 * that say what happened to each ({@link org.invitations.invitation.ReportRows}).
 */
@NullMarked
package org.invitations.invitation;

import org.jspecify.annotations.NullMarked;
