/**
 * Resends: the filter that names earlier invitations, the reader over them and the writer
 * that queues them again with a new link.
 */
@NullMarked
package org.invitations.resend;

import org.jspecify.annotations.NullMarked;
