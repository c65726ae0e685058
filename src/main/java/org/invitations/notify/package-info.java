/**
 * Tells people that a run ended: an email with the totals and the HTML report, and a
 * signed webhook call. A notification that fails is logged and recorded on the execution,
 * never changing the run's outcome.
 */
@NullMarked
package org.invitations.notify;

import org.jspecify.annotations.NullMarked;
