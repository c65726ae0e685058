package org.invitations.mail;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

import org.invitations.InvitationsProperties;

/**
 * DKIM signing from {@code invitations.mail.dkim.*}, checked as the application starts so
 * that a bad key stops every command before it does anything.
 */
@Configuration(proxyBeanMethods = false)
class DkimConfiguration {

	@Bean
	DkimSigning dkimSigning(InvitationsProperties properties, ResourceLoader resources) {
		return DkimSigning.of(properties.mail().dkim(), resources);
	}

}
