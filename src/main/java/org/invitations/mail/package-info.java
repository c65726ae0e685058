/**
 * Message composition: an invitation's email rendered from its template set (HTML and
 * plain text, subject from the title), with headers per RFC 5322, into a
 * {@link org.invitations.mail.PreparedMessage}: bytes and envelope, ready for any
 * transport, signed by DKIM when a key is configured
 * ({@link org.invitations.mail.DkimSigning}). Knows nothing of batches or of SMTP.
 */
@org.jspecify.annotations.NullMarked
package org.invitations.mail;
