package org.invitations.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.InvitationsProperties;

/** SMTP when Spring Boot configured a mail sender ({@code spring.mail.host}), the outbox folder otherwise. */
@Configuration(proxyBeanMethods = false)
class MailGatewayConfiguration {

	private static final Logger log = LoggerFactory.getLogger(MailGatewayConfiguration.class);

	@Bean
	MailGateway mailGateway(ObjectProvider<JavaMailSenderImpl> sender, InvitationsProperties properties) {
		JavaMailSenderImpl smtp = sender.getIfAvailable();
		MailGateway gateway = smtp != null ? new SmtpGateway(smtp) : new OutboxGateway(properties.outbox());
		log.info("Mail goes to the {}", gateway.describe());
		return gateway;
	}

}
