package org.invitations.spec;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Makes the spec loader available to the job's steps. */
@Configuration(proxyBeanMethods = false)
class SpecConfiguration {

	@Bean
	SpecLoader specLoader() {
		return new SpecLoader();
	}

}
