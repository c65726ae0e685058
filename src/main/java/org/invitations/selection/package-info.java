/**
 * The select step's work: validating source rows, upserting people and queueing their
 * invitations, with a report row for every row read.
 */
@NullMarked
package org.invitations.selection;

import org.jspecify.annotations.NullMarked;
