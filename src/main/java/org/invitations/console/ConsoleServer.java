package org.invitations.console;

import java.util.concurrent.CountDownLatch;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * The running console, for {@code serve}: where it listens, and waiting until it is asked
 * to shut down.
 */
@Component
@ConditionalOnWebApplication
public class ConsoleServer implements ApplicationListener<ContextClosedEvent> {

	private final WebServerApplicationContext context;

	private final CountDownLatch ended = new CountDownLatch(1);

	private volatile String signal;

	private volatile boolean shuttingDown;

	ConsoleServer(WebServerApplicationContext context) {
		this.context = context;
	}

	public int port() {
		return context.getWebServer().getPort();
	}

	/**
	 * Returns when the process is asked to shut down: the name of the signal that asked
	 * ({@code SIGTERM}), or {@code null} when the application was closed by its owner.
	 */
	public String awaitShutdown() throws InterruptedException {
		ended.await();
		return signal;
	}

	/**
	 * Whether shutdown has begun: from the signal on, while the runs under way are
	 * stopped and the server closes, no new run may start ({@link ShutdownGate}).
	 */
	public boolean shuttingDown() {
		return shuttingDown;
	}

	/** A signal asks the server to shut down; {@code serve} does it in its own order. */
	public void signalled(String name) {
		shuttingDown = true;
		signal = name;
		ended.countDown();
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		shuttingDown = true;
		ended.countDown();
	}

}
