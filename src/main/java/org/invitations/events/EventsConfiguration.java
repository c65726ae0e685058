package org.invitations.events;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The outbox writer every state change uses: off unless events are configured. */
@Configuration(proxyBeanMethods = false)
class EventsConfiguration {

	@Bean
	InvitationEvents invitationEvents(EventsProperties properties) {
		return new InvitationEvents(properties.kinds());
	}

}
