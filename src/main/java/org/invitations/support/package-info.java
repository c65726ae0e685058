/**
 * Small helpers with no home of their own in a feature.
 */
@NullMarked
package org.invitations.support;

import org.jspecify.annotations.NullMarked;
