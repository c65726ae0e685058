package org.invitations.console;

import java.util.concurrent.CountDownLatch;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/** The running console, for {@code serve}: where it listens, and waiting until it is shut down. */
@Component
@ConditionalOnWebApplication
public class ConsoleServer implements ApplicationListener<ContextClosedEvent> {

	private final WebServerApplicationContext context;

	private final CountDownLatch closed = new CountDownLatch(1);

	ConsoleServer(WebServerApplicationContext context) {
		this.context = context;
	}

	public int port() {
		return context.getWebServer().getPort();
	}

	/** Returns when the application is closed (a signal, or the context closed by its owner). */
	public void awaitClose() throws InterruptedException {
		closed.await();
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		closed.countDown();
	}

}
