package org.invitations.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SMTP server on loopback that behaves like a remote provider, for scaling benchmarks:
 * it answers each message's final dot only after a fixed delay, per connection (so one
 * connection carries at most one message per delay), and takes at most so many
 * connections from one client address, refusing more with 421. Plain SMTP with
 * PIPELINING; content is discarded, accepted messages only counted (and, if asked, their
 * times recorded).
 */
public final class DelayedSink implements Closeable {

	/** The SIZE it announces; nothing larger is sent by the benchmark. */
	static final long MAX_MESSAGE_SIZE = 10L << 20;

	private static final byte[] TOO_MANY = "421 4.7.0 too many connections from your address\r\n"
		.getBytes(StandardCharsets.US_ASCII);

	private final Duration delay;

	private final int connectionsPerClient;

	private final ServerSocket server;

	private final ExecutorService sessions;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong refused = new AtomicLong();

	/** When the first and the latest message were accepted (nanoTime; 0 before any). */
	private final AtomicLong firstAcceptedAt = new AtomicLong();

	private volatile long lastAcceptedAt;

	private final boolean recordTimes;

	/** When messages were accepted (nanoTime), if recorded. */
	private long[] times;

	private int timesRecorded;

	private volatile boolean closed;

	private DelayedSink(Duration delay, int connectionsPerClient, boolean recordTimes) throws IOException {
		if (delay.isNegative() || connectionsPerClient < 1) {
			throw new IllegalArgumentException("a delay of zero or more and at least one connection per client, not "
					+ delay + " and " + connectionsPerClient);
		}
		this.delay = delay;
		this.connectionsPerClient = connectionsPerClient;
		this.recordTimes = recordTimes;
		this.times = new long[recordTimes ? 1024 : 0];
		this.server = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
		this.sessions = Executors.newCachedThreadPool(runnable -> {
			Thread thread = new Thread(runnable, "delayed-sink-session");
			thread.setDaemon(true);
			return thread;
		});
		Thread acceptor = new Thread(this::accept, "delayed-sink");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Starts a sink on an ephemeral port of the loopback address.
	 * @param delay how long each message's final dot waits for its reply
	 * @param connectionsPerClient the connections taken from one address at a time
	 * @param recordTimes whether to keep the time of each accepted message
	 * ({@link #acceptedAt()})
	 */
	public static DelayedSink start(Duration delay, int connectionsPerClient, boolean recordTimes) throws IOException {
		return new DelayedSink(delay, connectionsPerClient, recordTimes);
	}

	public String host() {
		return server.getInetAddress().getHostAddress();
	}

	public int port() {
		return server.getLocalPort();
	}

	/** Messages accepted (answered 250 after their content). */
	public long accepted() {
		return accepted.get();
	}

	/**
	 * The time from the first accepted message to the last, the span over which the relay
	 * was busy: the rate over it leaves out the run's start (before anything was queued)
	 * and its end, which are the sender's, not the relay's.
	 */
	public Duration acceptingSpan() {
		long first = firstAcceptedAt.get();
		return first == 0 ? Duration.ZERO : Duration.ofNanos(lastAcceptedAt - first);
	}

	/** Connections refused with 421 for being over the cap of their address. */
	public long refusedConnections() {
		return refused.get();
	}

	/**
	 * The times (nanoTime) at which messages were accepted, in order; empty unless
	 * recorded.
	 */
	public synchronized long[] acceptedAt() {
		return Arrays.copyOf(times, timesRecorded);
	}

	/** Its settings, for a benchmark's output. */
	public String describe() {
		double millis = delay.toNanos() / 1e6;
		String pace = millis > 0
				? String.format("after %.1f ms (at most %.0f messages/s per connection)", millis, 1000 / millis)
				: "at once";
		return String.format("a sink in this process on %s:%d answering each message %s, at most %d connections"
				+ " per client address", host(), port(), pace, connectionsPerClient);
	}

	long delayNanos() {
		return delay.toNanos();
	}

	/** Counts a message accepted; called by its session when the delay is over. */
	void messageAccepted() {
		long now = System.nanoTime();
		firstAcceptedAt.compareAndSet(0, now);
		lastAcceptedAt = now;
		accepted.incrementAndGet();
		if (recordTimes) {
			record();
		}
	}

	/** Takes the time under the lock, so that the times are in order. */
	private synchronized void record() {
		if (timesRecorded == times.length) {
			times = Arrays.copyOf(times, times.length * 2);
		}
		times[timesRecorded++] = System.nanoTime();
	}

	private void accept() {
		while (!closed) {
			try {
				Socket socket = server.accept();
				InetAddress client = socket.getInetAddress();
				if (perClient.merge(client, 1, Integer::sum) > connectionsPerClient) {
					release(client);
					refuse(socket);
					continue;
				}
				open.add(socket);
				if (closed) {
					// close() may have gone through the open connections already
					end(socket, client);
					continue;
				}
				try {
					sessions.execute(() -> serve(socket, client));
				}
				catch (RejectedExecutionException ex) {
					// closing
					end(socket, client);
				}
			}
			catch (IOException ex) {
				// closed, or one connection that failed as it was accepted
			}
		}
	}

	private void serve(Socket socket, InetAddress client) {
		try {
			new DelayedSinkSession(this, socket).talk();
		}
		catch (IOException ex) {
			// the client went away, or the sink closed
		}
		finally {
			end(socket, client);
		}
	}

	/**
	 * Says why and closes: a new connection's send buffer is empty, so the write cannot
	 * block the acceptor.
	 */
	private void refuse(Socket socket) {
		refused.incrementAndGet();
		try (socket; OutputStream out = socket.getOutputStream()) {
			out.write(TOO_MANY);
			out.flush();
		}
		catch (IOException ex) {
			// the client went away first
		}
	}

	private void end(Socket socket, InetAddress client) {
		closeQuietly(socket);
		open.remove(socket);
		release(client);
	}

	private void release(InetAddress client) {
		perClient.computeIfPresent(client, (address, count) -> count == 1 ? null : count - 1);
	}

	/**
	 * Stops listening and closes every connection; a message waiting for its reply gets
	 * none.
	 */
	@Override
	public void close() {
		closed = true;
		closeQuietly(server);
		open.forEach(DelayedSink::closeQuietly);
		sessions.shutdownNow();
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// going away anyway
		}
	}

}
