/**
 * The people the console starts from: finding them by name, address, group, role and
 * invitation state, and storing a selection of them as a run's source.
 */
@NullMarked
package org.invitations.people;

import org.jspecify.annotations.NullMarked;
