/**
 * Expiry work: the tasklets that record the invitations that expired, send the one
 * reminder before expiry, purge old token hashes and the report rows of runs past their
 * retention, in set-based batches.
 */
@NullMarked
package org.invitations.expiry;

import org.jspecify.annotations.NullMarked;
