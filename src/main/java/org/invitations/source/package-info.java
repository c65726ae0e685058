/**
 * Where people come from: CSV files (inspected, checksummed, read within limits) and
 * group members.
 */
@NullMarked
package org.invitations.source;

import org.jspecify.annotations.NullMarked;
