package org.invitations.smtp;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.invitations.mail.PreparedMessage;

/**
 * Sends over SMTP with the server and session that Spring Boot configured from
 * {@code spring.mail.*}, through the built-in client ({@link DirectSmtpConnection}) on
 * every transport (plain, STARTTLS, implicit TLS; with or without a login) unless Angus
 * Mail must send; one connection reused for many messages, and reads each reply as the
 * built-in client does ({@link ReplyClassifier}): a refusal of the recipient is final
 * (5xx) or temporary (4xx), a refusal of the sender or the session pauses the run, a
 * broken connection means the server is unavailable.
 */
public class SmtpGateway implements MailGateway, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(SmtpGateway.class);

	private final JavaMailSenderImpl sender;

	/**
	 * How the built-in client connects, unless Angus Mail must send (see
	 * {@link SmtpSettings#angusOnly}).
	 */
	private final @Nullable SmtpSettings direct;

	private final @Nullable SocketWatchdog watchdog;

	private final @Nullable String angusBecause;

	public SmtpGateway(JavaMailSenderImpl sender) {
		this.sender = sender;
		this.angusBecause = SmtpSettings.angusOnly(sender);
		this.direct = angusBecause == null ? SmtpSettings.of(sender) : null;
		this.watchdog = direct != null ? new SocketWatchdog(SmtpChannel.shortestLimit(direct)) : null;
		if (direct != null && direct.login() != null && direct.security() == SmtpSettings.Security.NONE) {
			log.warn(
					"The password for {} goes to {} unencrypted: set spring.mail.ssl.enabled=true or"
							+ " spring.mail.properties.mail.smtp.starttls.required=true",
					direct.login().username(), direct.server());
		}
	}

	@Override
	public void close() {
		if (watchdog != null) {
			watchdog.close();
		}
	}

	@Override
	public Session session() {
		return sender.getSession();
	}

	@Override
	public String describe() {
		return direct != null ? direct.describe() : "SMTP server " + sender.getHost() + ":"
				+ (sender.getPort() > 0 ? sender.getPort() : 25) + " (Angus Mail, since " + angusBecause + ")";
	}

	@Override
	public Connection open() {
		if (direct != null) {
			return DirectSmtpConnection.open(direct, watchdog);
		}
		try {
			String protocol = sender.getProtocol() == null ? "smtp" : sender.getProtocol();
			Transport transport = protocol.equals("smtp") || protocol.equals("smtps")
					? new ContentTrackingTransport(session(), protocol) : session().getTransport(protocol);
			transport.connect(sender.getHost(), sender.getPort(), sender.getUsername(), sender.getPassword());
			return new SmtpConnection(transport, session());
		}
		catch (MessagingException ex) {
			throw new MailServerUnavailableException("cannot connect to " + describe() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Classifies a refused message as {@link DirectSmtpConnection} does, by the command
	 * refused and the reply (see {@link ReplyClassifier}): a refusal of the recipient is
	 * FAILED (5xx) or DEFERRED (4xx); a refusal of the sender or the session pauses the
	 * run; no reply after the message's content is in doubt; anything else means the
	 * server is unavailable.
	 * @param contentSent whether the server had taken DATA (354) before the failure, so
	 * that only its reply was missing
	 */
	static SendResult classify(MessagingException ex, boolean contentSent) {
		int code = -1;
		String reply = ex.getMessage();
		ReplyClassifier.Stage stage = ReplyClassifier.Stage.DATA;
		for (Exception cause = ex; cause != null; cause = cause instanceof MessagingException m ? m.getNextException()
				: null) {
			if (cause instanceof SMTPAddressFailedException failed) {
				code = failed.getReturnCode();
				reply = failed.getMessage();
				stage = ReplyClassifier.Stage.RCPT;
				break;
			}
			if (cause instanceof SMTPSenderFailedException failed) {
				code = failed.getReturnCode();
				reply = failed.getMessage();
				stage = ReplyClassifier.Stage.MAIL;
				break;
			}
			if (cause instanceof SMTPSendFailedException failed) {
				code = failed.getReturnCode();
				reply = failed.getMessage();
				String command = failed.getCommand() == null ? ""
						: failed.getCommand().toUpperCase(java.util.Locale.ROOT);
				stage = command.startsWith("MAIL") ? ReplyClassifier.Stage.MAIL
						: command.startsWith("RCPT") ? ReplyClassifier.Stage.RCPT : ReplyClassifier.Stage.DATA;
				// "." ends the content: the connection closing before its reply leaves
				// the message in doubt.
				contentSent |= command.equals(".");
			}
		}
		reply = reply == null ? null : reply.strip();
		if (code < 0 && contentSent) {
			// The content's end was written and no reply came: the server may have taken
			// the message.
			throw new NoReplyException(
					"mail server sent no reply after the message's content (" + ex.getMessage() + ")", ex);
		}
		if (code >= 400 && code < 600) {
			switch (ReplyClassifier.classify(stage, code, reply)) {
				case RECIPIENT_PERMANENT:
					return new SendResult(SendResult.Status.FAILED, reply);
				case RECIPIENT_TEMPORARY:
					return new SendResult(SendResult.Status.DEFERRED, reply);
				case SENDER_REFUSED:
					throw new SenderRefusedException(reply);
				default:
					break;
			}
		}
		throw new MailServerUnavailableException("mail server unavailable: " + ex.getMessage(), ex);
	}

	private static final class SmtpConnection implements Connection {

		private final Transport transport;

		private final Session session;

		SmtpConnection(Transport transport, Session session) {
			this.transport = transport;
			this.session = session;
		}

		@Override
		public SendResult send(PreparedMessage prepared) {
			// Angus Mail sends only its own messages: a real one, read back from the
			// prepared bytes.
			MimeMessage message = prepared.toMimeMessage(session);
			try {
				transport.sendMessage(message, new Address[] { prepared.to() });
				String reply = transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : "sent";
				return SendResult.sent(reply == null ? "sent" : reply.strip());
			}
			catch (MessagingException ex) {
				// The final dot written, or DATA's 354 still the last reply code: the
				// content went out.
				boolean contentSent = transport instanceof ContentTrackingTransport tracked && tracked.contentSent()
						|| transport instanceof SMTPTransport smtp && smtp.getLastReturnCode() == 354;
				return classify(ex, contentSent);
			}
		}

		@Override
		public void close() {
			try {
				transport.close();
			}
			catch (MessagingException ex) {
				// The messages are already accepted or refused; a failed QUIT changes
				// nothing.
			}
		}

	}

}
