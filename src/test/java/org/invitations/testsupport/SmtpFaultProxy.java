package org.invitations.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of a real SMTP server that can play the server going down
 * after a number of messages, deterministically: it stops listening, and each connection
 * is cut at its next {@code MAIL FROM} (transactions already under way finish), so
 * exactly the first N messages arrived and were acknowledged.
 */
public final class SmtpFaultProxy implements AutoCloseable {

	private final int defaultTarget;

	private volatile int targetPort;

	private final int port;

	private final AtomicInteger started = new AtomicInteger();

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile int limit = Integer.MAX_VALUE;

	private volatile ServerSocket server;

	private volatile boolean down;

	private SmtpFaultProxy(int targetPort) throws IOException {
		this.defaultTarget = targetPort;
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.port = server.getLocalPort();
		accept(server);
	}

	public static SmtpFaultProxy start(int targetPort) {
		try {
			return new SmtpFaultProxy(targetPort);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return port;
	}

	/** Lets n more messages through in all, then goes down. */
	public void failAfterMessages(int n) {
		limit = started.get() + n;
	}

	/** Messages whose MAIL FROM was forwarded. */
	public int messagesStarted() {
		return started.get();
	}

	public boolean isDown() {
		return down;
	}

	/** Sends new connections to another server on loopback, until {@link #restore()}. */
	public synchronized void retarget(int port) {
		targetPort = port;
		sockets.forEach(SmtpFaultProxy::closeQuietly);
		sockets.clear();
	}

	/**
	 * Comes back up on the same port, forwarding to the first server with no limit;
	 * connections from before are cut.
	 */
	public synchronized void restore() {
		limit = Integer.MAX_VALUE;
		targetPort = defaultTarget;
		down = false;
		sockets.forEach(SmtpFaultProxy::closeQuietly);
		sockets.clear();
		if (server.isClosed()) {
			try {
				ServerSocket reopened = new ServerSocket();
				reopened.setReuseAddress(true);
				reopened.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
				server = reopened;
				accept(reopened);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	private void accept(ServerSocket listening) {
		daemon(() -> {
			while (!listening.isClosed()) {
				try {
					Socket client = listening.accept();
					Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
					// Replies are small writes: Nagle's algorithm would hold each second
					// one for a delayed ACK (40 ms).
					client.setTcpNoDelay(true);
					upstream.setTcpNoDelay(true);
					sockets.add(client);
					sockets.add(upstream);
					daemon(() -> pipe(upstream, client));
					daemon(() -> clientToServer(client, upstream));
				}
				catch (IOException ex) {
					// Closed by goDown() or close().
				}
			}
		});
	}

	/**
	 * Forwards the client's bytes line by line (and whatever has come when nothing more
	 * has), watching for MAIL FROM outside a DATA body.
	 */
	private void clientToServer(Socket client, Socket upstream) {
		try (InputStream in = client.getInputStream(); OutputStream out = upstream.getOutputStream()) {
			StringBuilder line = new StringBuilder();
			byte[] pending = new byte[8192];
			int length = 0;
			boolean inData = false;
			int b;
			while ((b = in.read()) != -1) {
				if (length == pending.length) {
					pending = java.util.Arrays.copyOf(pending, length * 2);
				}
				pending[length++] = (byte) b;
				if (b != '\n') {
					line.append((char) b);
					if (in.available() == 0) {
						// Nothing more has come: a TLS record (or a line cut short) goes
						// on as it is; the proxy sees lines only in plain SMTP.
						out.write(pending, 0, length);
						out.flush();
						length = 0;
					}
					continue;
				}
				String text = line.toString().strip();
				String command = text.toUpperCase(Locale.ROOT);
				line.setLength(0);
				if (inData) {
					inData = !text.equals(".");
				}
				else if (command.startsWith("MAIL FROM")) {
					synchronized (this) {
						if (down || started.get() >= limit) {
							goDown();
							return;
						}
						started.incrementAndGet();
					}
				}
				else if (command.equals("DATA")) {
					inData = true;
				}
				out.write(pending, 0, length);
				out.flush();
				length = 0;
			}
		}
		catch (IOException ex) {
			// A side closed: the other side is closed below.
		}
		finally {
			closeQuietly(client);
			closeQuietly(upstream);
		}
	}

	private static void pipe(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// A side closed.
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	/**
	 * Stops listening; the connection that asked is cut by its caller, the others at
	 * their next MAIL FROM.
	 */
	private synchronized void goDown() {
		down = true;
		closeQuietly(server);
	}

	@Override
	public synchronized void close() {
		goDown();
		sockets.forEach(SmtpFaultProxy::closeQuietly);
		sockets.clear();
	}

	private static void daemon(Runnable task) {
		Thread thread = new Thread(task, "smtp-fault-proxy");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// Nothing to do: it is going away.
		}
	}

	@Override
	public String toString() {
		return "SmtpFaultProxy[" + port + " -> " + targetPort + ", started=" + started.get() + "]";
	}

}
