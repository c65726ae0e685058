/**
 * Events for the host application: one per invitation and change (sent, accepted,
 * bounced, expired, cancelled, reminded), written to an outbox in the transaction of the
 * change ({@link org.invitations.events.InvitationEvents}), POSTed as Standard Webhooks
 * in order per invitation with retries ({@link org.invitations.events.EventDispatcher}),
 * each attempt logged, failed ones replayed on request
 * ({@link org.invitations.events.EventLog}).
 */
@NullMarked
package org.invitations.events;

import org.jspecify.annotations.NullMarked;
