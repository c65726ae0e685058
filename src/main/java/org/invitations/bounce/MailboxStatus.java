package org.invitations.bounce;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How the bounce mailbox stood at its last poll, for the console.
 *
 * @param mailbox {@code imap.example.org:993/INBOX}
 * @param lastRead when it was last read through, or null if never
 * @param unmatched how many messages it holds that match no invitation (left in place)
 * @param problem why the last poll could not read it, or null if it could
 */
public record MailboxStatus(String mailbox, @Nullable Instant lastRead, int unmatched, @Nullable String problem) {
}
