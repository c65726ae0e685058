/**
 * The {@code bench} command: synthetic people through the real invitation job to an SMTP
 * sink on loopback, and the rates and heap it took.
 */
@NullMarked
package org.invitations.bench;

import org.jspecify.annotations.NullMarked;
