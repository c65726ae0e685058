/**
 * What happens to an invitation after it is sent: looking it up, its history, cancelling
 * it, redeeming its link.
 */
@NullMarked
package org.invitations.lifecycle;

import org.jspecify.annotations.NullMarked;
