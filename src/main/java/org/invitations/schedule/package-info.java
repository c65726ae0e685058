/**
 * Schedules: under {@code serve} ({@code invitations.scheduler.enabled=true}) every spec
 * in the jobs folder with a {@code schedule:} runs at its time, once per scheduled date,
 * through the same launchers, locks and restart rules as {@code run}.
 */
@NullMarked
package org.invitations.schedule;

import org.jspecify.annotations.NullMarked;
