/**
 * The command line ({@code invitations run|status|report|…}): one picocli class per
 * command, one-line errors and the documented exit codes.
 */
@NullMarked
package org.invitations.cli;

import org.jspecify.annotations.NullMarked;
