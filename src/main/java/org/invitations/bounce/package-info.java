/**
 * Bounces and complaints read back: from a mailbox of delivery status notifications and
 * feedback reports ({@code serve} polls it), and from the webhooks of Amazon SES (through
 * SNS) and Mailgun, each checked before it is believed, matched to the invitation by its
 * {@code X-Invitation-Id} header (or Message-ID) and its address, and applied once
 * through the invitation store.
 */
@NullMarked
package org.invitations.bounce;

import org.jspecify.annotations.NullMarked;
