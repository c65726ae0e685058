package org.invitations.invitation;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The invitations a recording put back in the queue for a later pass of the run.
 *
 * @param ids the invitations
 * @param until when the last of them is due
 */
public record Requeued(Set<Long> ids, @Nullable Instant until) {

	public static final Requeued NONE = new Requeued(Set.of(), null);

}
