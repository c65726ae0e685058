/**
 * The mail transport: {@link org.invitations.smtp.MailGateway} and its connections (the
 * built-in pipelining client, Angus Mail where TLS or a login is needed, the outbox
 * folder), what a server's reply means ({@link org.invitations.smtp.SendResult},
 * {@link org.invitations.smtp.ReplyClassifier}) and the failures that stop or pause a
 * run. Sends {@link org.invitations.mail.PreparedMessage}s; knows nothing of batches.
 */
@org.jspecify.annotations.NullMarked
package org.invitations.smtp;
