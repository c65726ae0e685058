/**
 * The roles a spec may grant.
 */
@NullMarked
package org.invitations.role;

import org.jspecify.annotations.NullMarked;
