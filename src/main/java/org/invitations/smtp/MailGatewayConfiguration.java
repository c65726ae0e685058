package org.invitations.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.mail.autoconfigure.MailProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.InvitationsProperties;

/**
 * SMTP when Spring Boot configured a mail sender ({@code spring.mail.host}), the outbox
 * folder otherwise.
 */
@Configuration(proxyBeanMethods = false)
class MailGatewayConfiguration {

	private static final Logger log = LoggerFactory.getLogger(MailGatewayConfiguration.class);

	@Bean
	MailGateway mailGateway(ObjectProvider<JavaMailSenderImpl> sender, ObjectProvider<MailProperties> mail,
			InvitationsProperties properties) {
		JavaMailSenderImpl smtp = sender.getIfAvailable();
		if (smtp != null) {
			optOutOfDirectSmtp(smtp, properties);
			MailProperties configured = mail.getIfAvailable();
			if (configured != null && !configured.getSsl().isVerifyHostname()) {
				// Spring Boot leaves the property unset then, and the built-in client
				// checks
				// host names unless told not to.
				smtp.getJavaMailProperties()
					.setProperty("mail." + (smtp.getProtocol() == null ? "smtp" : smtp.getProtocol())
							+ ".ssl.checkserveridentity", "false");
			}
			if (Boolean.parseBoolean(smtp.getJavaMailProperties().getProperty("mail.debug", "").strip())) {
				// Angus Mail traced to standard output, and traced each message whole,
				// its link included.
				smtp.getSession().setDebugOut(ContentHidingTrace.onto(System.err));
				log.info("mail.debug: Angus Mail's conversations are traced on standard error, each message's"
						+ " content left out");
			}
		}
		MailGateway gateway = smtp != null ? new SmtpGateway(smtp) : new OutboxGateway(properties.outbox());
		log.info("Mail goes to the {}", gateway.describe());
		return gateway;
	}

	/**
	 * invitations.mail.direct-smtp=false makes SmtpGateway send through Angus Mail. The
	 * old key in the session properties still works, in both its property and its
	 * environment-variable form (…_INVITATIONS_DIRECT_SMTP binds as
	 * invitations.direct.smtp), with a warning.
	 */
	private static void optOutOfDirectSmtp(JavaMailSenderImpl smtp, InvitationsProperties properties) {
		java.util.Properties session = smtp.getJavaMailProperties();
		String old = session.getProperty("invitations.direct-smtp", session.getProperty("invitations.direct.smtp"));
		if (old != null) {
			log.warn("spring.mail.properties.invitations.direct-smtp is deprecated; set invitations.mail.direct-smtp={}"
					+ " instead", old.strip());
		}
		if (!properties.mail().directSmtp() || "false".equalsIgnoreCase(old == null ? null : old.strip())) {
			session.setProperty("invitations.direct-smtp", "false");
		}
	}

}
