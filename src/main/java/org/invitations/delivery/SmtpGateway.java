package org.invitations.delivery;

import java.time.Duration;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends over SMTP with the server and session that Spring Boot configured from {@code spring.mail.*}, one
 * connection reused for many messages, and reads each reply the SMTP way: 5xx is about the recipient and
 * final, 4xx is temporary, 421 or a broken connection means the server is unavailable.
 */
public class SmtpGateway implements MailGateway, AutoCloseable {

	private final JavaMailSenderImpl sender;

	/** Set when the server needs neither TLS nor a login: then {@link DirectSmtpConnection} sends. */
	private final WriteWatchdog direct;

	public SmtpGateway(JavaMailSenderImpl sender) {
		this.sender = sender;
		this.direct = isPlain(sender) ? new WriteWatchdog(millis("mail.smtp.writetimeout", 30_000)) : null;
	}

	/** Plain SMTP: no login, no TLS, no proxy or other transport settings only Angus Mail understands. */
	private static boolean isPlain(JavaMailSenderImpl sender) {
		Properties properties = sender.getJavaMailProperties();
		boolean tls = Boolean.parseBoolean(properties.getProperty("mail.smtp.starttls.enable"))
				|| Boolean.parseBoolean(properties.getProperty("mail.smtp.ssl.enable"));
		boolean proxy = properties.getProperty("mail.smtp.proxy.host") != null
				|| properties.getProperty("mail.smtp.socks.host") != null;
		boolean optedOut = "false".equalsIgnoreCase(properties.getProperty("invitations.direct-smtp"));
		return (sender.getProtocol() == null || sender.getProtocol().equals("smtp")) && !tls && !proxy && !optedOut
				&& (sender.getUsername() == null || sender.getUsername().isEmpty());
	}

	private Duration millis(String property, long fallback) {
		String value = sender.getJavaMailProperties().getProperty(property);
		return Duration.ofMillis(value == null ? fallback : Long.parseLong(value.strip()));
	}

	@Override
	public void close() {
		if (direct != null) {
			direct.close();
		}
	}

	@Override
	public Session session() {
		return sender.getSession();
	}

	@Override
	public String describe() {
		return "SMTP server " + sender.getHost() + ":" + (sender.getPort() > 0 ? sender.getPort() : 25)
				+ (direct != null ? " (built-in client, pipelining when offered)" : " (Angus Mail)");
	}

	@Override
	public Connection open() {
		if (direct != null) {
			int port = sender.getPort() > 0 ? sender.getPort() : 25;
			return DirectSmtpConnection.open(sender.getHost(), port, sender.getJavaMailProperties().getProperty("mail.smtp.from"),
					millis("mail.smtp.connectiontimeout", 10_000), millis("mail.smtp.timeout", 30_000), direct);
		}
		try {
			Transport transport = session().getTransport(sender.getProtocol() == null ? "smtp" : sender.getProtocol());
			transport.connect(sender.getHost(), sender.getPort(), sender.getUsername(), sender.getPassword());
			return new SmtpConnection(transport);
		}
		catch (MessagingException ex) {
			throw new MailServerUnavailableException("cannot connect to " + describe() + ": " + ex.getMessage(), ex);
		}
	}

	/** Classifies a refused message by its SMTP reply code. */
	static SendResult classify(MessagingException ex) {
		int code = -1;
		String reply = ex.getMessage();
		for (Exception cause = ex; cause != null; cause = cause instanceof MessagingException m ? m.getNextException() : null) {
			if (cause instanceof SMTPAddressFailedException failed) {
				code = failed.getReturnCode();
				reply = failed.getMessage();
				break;
			}
			if (cause instanceof SMTPSendFailedException failed) {
				code = failed.getReturnCode();
				reply = failed.getMessage();
			}
			if (cause instanceof SMTPSenderFailedException failed) {
				code = failed.getReturnCode();
				reply = failed.getMessage();
			}
		}
		if (code >= 500 && code < 600) {
			return new SendResult(SendResult.Status.FAILED, reply == null ? null : reply.strip());
		}
		if (code >= 400 && code < 500 && code != 421) {
			return new SendResult(SendResult.Status.DEFERRED, reply == null ? null : reply.strip());
		}
		throw new MailServerUnavailableException("mail server unavailable: " + ex.getMessage(), ex);
	}

	private static final class SmtpConnection implements Connection {

		private final Transport transport;

		SmtpConnection(Transport transport) {
			this.transport = transport;
		}

		@Override
		public SendResult send(MimeMessage message) {
			try {
				transport.sendMessage(message, message.getAllRecipients());
				String reply = transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : "sent";
				return SendResult.sent(reply == null ? "sent" : reply.strip());
			}
			catch (MessagingException ex) {
				return classify(ex);
			}
		}

		@Override
		public void close() {
			try {
				transport.close();
			}
			catch (MessagingException ex) {
				// The messages are already accepted or refused; a failed QUIT changes nothing.
			}
		}

	}

}
