/**
 * An embedded PostgreSQL for a first run without a configured database, and the cleanup
 * of one left behind.
 */
@NullMarked
package org.invitations.embedded;

import org.jspecify.annotations.NullMarked;
