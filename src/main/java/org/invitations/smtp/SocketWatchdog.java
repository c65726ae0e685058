package org.invitations.smtp;

import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time limits for {@link DirectSmtpConnection}s (their {@link SmtpChannel}s): on the
 * connect, on each read of a reply and on each write. Instead of a timer per wait (what
 * Angus Mail does, a measurable cost at thousands of messages per second) or a timeout on
 * the socket (which puts it in non-blocking mode: each read that finds no reply yet then
 * costs a failed read, a poll and a second read), one daemon thread looks at every open
 * connection a few times per shortest limit and closes the socket under a wait past its
 * deadline, which ends the wait with an error. A wait is cut between its limit and a
 * quarter of the shortest limit later.
 */
final class SocketWatchdog implements AutoCloseable {

	private final Map<Socket, SmtpChannel> connections = new ConcurrentHashMap<>();

	private final ScheduledExecutorService timer;

	/**
	 * @param shortest the shortest limit of any wait it watches
	 */
	SocketWatchdog(Duration shortest) {
		this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
			Thread thread = new Thread(runnable, "smtp-watchdog");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(50, shortest.toMillis() / 4);
		timer.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
	}

	void watch(SmtpChannel channel) {
		connections.put(channel.socket(), channel);
	}

	void forget(Socket socket) {
		connections.remove(socket);
	}

	private void check() {
		long now = System.nanoTime();
		connections.values().removeIf(channel -> channel.cutIfPast(now));
	}

	@Override
	public void close() {
		timer.shutdownNow();
	}

}
