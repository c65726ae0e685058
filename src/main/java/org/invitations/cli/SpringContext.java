package org.invitations.cli;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import org.invitations.InvitationsApplication;

/**
 * Starts Spring (database, migrations, mail) the first time a command needs it, so that {@code --help} and a
 * bad spec answer at once and touch nothing.
 */
final class SpringContext {

	private static ConfigurableApplicationContext context;

	private SpringContext() {
	}

	static synchronized <T> T bean(Class<T> type) {
		if (context == null) {
			context = new SpringApplicationBuilder(InvitationsApplication.class).web(WebApplicationType.NONE).run();
		}
		return context.getBean(type);
	}

	static synchronized void close() {
		if (context != null) {
			context.close();
			context = null;
		}
	}

}
