/**
 * Invitations: sends login invitations in bulk from a spec, through Spring Batch jobs
 * kept in PostgreSQL.
 */
@NullMarked
package org.invitations;

import org.jspecify.annotations.NullMarked;
