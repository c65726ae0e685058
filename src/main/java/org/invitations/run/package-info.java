/**
 * Types every step of a run shares, at the bottom so that features and the wiring both
 * use them: the run's context, job and parameter names, the signal from selection to
 * delivery, progress logging, process ownership, and {@link BatchMetadata}, the one class
 * that reads Spring Batch's job repository tables.
 */
@NullMarked
package org.invitations.run;

import org.jspecify.annotations.NullMarked;
