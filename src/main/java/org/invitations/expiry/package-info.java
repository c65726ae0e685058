/**
 * Expiry work: the tasklets that expire open invitations, send the one reminder before
 * expiry and purge old token hashes, in set-based batches.
 */
@NullMarked
package org.invitations.expiry;

import org.jspecify.annotations.NullMarked;
