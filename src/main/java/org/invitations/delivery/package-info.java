/**
 * The deliver step: claims queued invitations, composes and sends them through the SMTP
 * transport, records each outcome with its report row, within the spec's rate and daily
 * limits.
 */
@NullMarked
package org.invitations.delivery;

import org.jspecify.annotations.NullMarked;
