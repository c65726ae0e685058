/**
 * Starts, restarts, stops and abandons runs: checks the input first, holds one run per
 * spec at a time, and knows which process owns an execution.
 */
@NullMarked
package org.invitations.launch;

import org.jspecify.annotations.NullMarked;
