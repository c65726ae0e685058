package org.invitations.cli;

import java.util.function.Supplier;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import org.invitations.InvitationsApplication;

/**
 * Gives commands their Spring beans. By default Spring (database, migrations, mail) starts the first time a
 * command needs it, so that {@code --help} and a bad spec answer at once and touch nothing; an application
 * that embeds the command line passes its own context instead.
 */
public final class SpringContext implements AutoCloseable {

	private final Supplier<ApplicationContext> starter;

	private final boolean owned;

	private ApplicationContext context;

	private SpringContext(Supplier<ApplicationContext> starter, boolean owned) {
		this.starter = starter;
		this.owned = owned;
	}

	/** Starts the application on first use and closes it afterwards. */
	public static SpringContext lazy() {
		return new SpringContext(() -> new SpringApplicationBuilder(InvitationsApplication.class)
			.web(WebApplicationType.NONE)
			.run(), true);
	}

	/** Uses a running context, which stays open. */
	public static SpringContext of(ApplicationContext context) {
		return new SpringContext(() -> context, false);
	}

	synchronized <T> T bean(Class<T> type) {
		if (context == null) {
			context = starter.get();
		}
		return context.getBean(type);
	}

	@Override
	public synchronized void close() {
		if (owned && context instanceof ConfigurableApplicationContext configurable) {
			configurable.close();
		}
		context = null;
	}

}
