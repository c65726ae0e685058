/**
 * The blast-radius guard: a run that would send more emails than its spec's
 * {@code max-recipients} (or the configured default) stops after selection, before
 * anything is claimed or sent, until it is confirmed with the exact number.
 */
@NullMarked
package org.invitations.guard;

import org.jspecify.annotations.NullMarked;
