/**
 * The jobs as Spring Batch runs them, one configuration per job (the resend job beside
 * the invitation job, whose deliver step it shares): steps, readers, writers and their
 * order. The wiring: it imports the features, none of them imports it.
 */
@NullMarked
package org.invitations.job;

import org.jspecify.annotations.NullMarked;
