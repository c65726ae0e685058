package org.invitations.cli;

import java.util.function.Function;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import org.invitations.InvitationsApplication;

/**
 * Gives commands their Spring beans. By default Spring (database, migrations, mail)
 * starts the first time a command needs it, so that {@code --help} and a bad spec answer
 * at once and touch nothing; an application that embeds the command line passes its own
 * context instead.
 */
public final class SpringContext implements AutoCloseable {

	private final Function<SpringContext, ApplicationContext> starter;

	private final boolean owned;

	private String[] arguments = {};

	/**
	 * Values a command gives when nothing configures them (below every other property
	 * source).
	 */
	private final java.util.Map<String, Object> defaults = new java.util.LinkedHashMap<>();

	private ApplicationContext context;

	/**
	 * The application's configuration, kept even when the context fails to start, to name
	 * the failing server.
	 */
	private volatile Environment environment;

	private SpringContext(Function<SpringContext, ApplicationContext> starter, boolean owned) {
		this.starter = starter;
		this.owned = owned;
	}

	/** Starts the application on first use and closes it afterwards. */
	public static SpringContext lazy() {
		return new SpringContext(
				self -> new SpringApplicationBuilder(InvitationsApplication.class).web(WebApplicationType.NONE)
					.properties(self.defaults)
					.listeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> self
						.prepared(event.getEnvironment()))
					.run(self.arguments),
				true);
	}

	/** Uses a running context, which stays open. */
	public static SpringContext of(ApplicationContext context) {
		SpringContext spring = new SpringContext(self -> context, false);
		spring.environment = context.getEnvironment();
		return spring;
	}

	/**
	 * Keeps the configuration, and refuses a mail host that is set but empty rather than
	 * send to ":25".
	 */
	private void prepared(Environment prepared) {
		environment = prepared;
		String host = prepared.getProperty("spring.mail.host");
		if (host != null && host.isBlank()) {
			throw new ConfigurationException("spring.mail.host (SPRING_MAIL_HOST) is set but empty: set it to the SMTP"
					+ " server's name, or unset it to write the emails to the outbox folder");
		}
	}

	/**
	 * Spring Boot's own {@code --name=value} arguments, such as
	 * {@code --spring.mail.host=…}, for the application this starts; a running context
	 * passed in has its configuration already.
	 */
	void arguments(String... springArguments) {
		this.arguments = springArguments.clone();
	}

	/** Sets one property over any configured value, command-line arguments included. */
	void override(String name, String value) {
		String[] others = java.util.Arrays.stream(arguments)
			.filter(argument -> !argument.startsWith("--" + name + "="))
			.toArray(String[]::new);
		arguments = java.util.Arrays.copyOf(others, others.length + 1);
		arguments[others.length] = "--" + name + "=" + value;
	}

	/**
	 * Sets one property unless something configures it (a file, the environment, an
	 * argument).
	 */
	void byDefault(String name, String value) {
		defaults.put(name, value);
	}

	/** The configuration once the application began to start, or {@code null} before. */
	Environment environment() {
		return environment;
	}

	synchronized <T> T bean(Class<T> type) {
		if (context == null) {
			context = starter.apply(this);
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
