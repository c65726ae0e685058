package org.invitations.smtp;

import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Write timeouts for {@link DirectSmtpConnection}s (their {@link SmtpChannel}s). A
 * blocking socket write has none of its own; instead of a timer per write (what Angus
 * Mail does, a measurable cost at thousands of messages per second), one daemon thread
 * looks at every open connection a few times per timeout and closes the socket under a
 * write that has been blocked for longer, which ends the write with an error.
 */
final class WriteWatchdog implements AutoCloseable {

	private final Duration timeout;

	private final Map<Socket, SmtpChannel> connections = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timer;

	WriteWatchdog(Duration timeout) {
		this.timeout = timeout;
		this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "smtp-write-watchdog");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(50, timeout.toMillis() / 4);
		timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
	}

	void watch(SmtpChannel channel) {
		connections.put(channel.socket(), channel);
	}

	void forget(Socket socket) {
		connections.remove(socket);
	}

	private void check() {
		long deadline = System.nanoTime() - timeout.toNanos();
		connections.values().removeIf(channel -> channel.cutIfWritingSince(deadline));
	}

	@Override
	public void close() {
		timer.shutdownNow();
	}

}
