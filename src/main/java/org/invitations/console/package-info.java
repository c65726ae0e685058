/**
 * The admin console and the HTTP API of {@code serve}: security, pages and JSON
 * endpoints. Pages and endpoints read and act through the same feature classes as the
 * command line; none has SQL of its own.
 */
@NullMarked
package org.invitations.console;

import org.jspecify.annotations.NullMarked;
