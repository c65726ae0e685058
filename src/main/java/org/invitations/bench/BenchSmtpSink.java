package org.invitations.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal SMTP server on loopback for the benchmark: accepts everything (with
 * PIPELINING), discards the messages, and counts them and the distinct invitations they
 * carry ({@code X-Invitation-Id}), so the benchmark can check that exactly N distinct
 * messages arrived without keeping them.
 */
public final class BenchSmtpSink implements AutoCloseable {

	private static final byte[] HEADER = "X-Invitation-Id: ".getBytes(StandardCharsets.US_ASCII);

	private final ServerSocket server;

	private final AtomicLong messages = new AtomicLong();

	private final BitSet seen = new BitSet();

	private long duplicates;

	/** The invitations that arrived more than once (few: only those in doubt). */
	private final java.util.Set<Long> duplicated = new java.util.TreeSet<>();

	private BenchSmtpSink() throws IOException {
		server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "bench-sink");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public static BenchSmtpSink start() throws IOException {
		return new BenchSmtpSink();
	}

	public int port() {
		return server.getLocalPort();
	}

	public long messages() {
		return messages.get();
	}

	public synchronized long distinct() {
		return seen.cardinality();
	}

	public synchronized long duplicates() {
		return duplicates;
	}

	/** The ids of the invitations that arrived more than once. */
	public synchronized java.util.Set<Long> duplicated() {
		return java.util.Set.copyOf(duplicated);
	}

	private void accept() {
		while (!server.isClosed()) {
			try {
				Socket socket = server.accept();
				Thread session = new Thread(() -> session(socket), "bench-sink-session");
				session.setDaemon(true);
				session.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	private void session(Socket socket) {
		try (socket;
				InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
				OutputStream out = socket.getOutputStream()) {
			out.write("220 bench-sink ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			byte[] line = new byte[8192];
			StringBuilder replies = new StringBuilder();
			while (true) {
				int length = readLine(in, line);
				if (length < 0) {
					return;
				}
				String command = new String(line, 0, Math.min(length, 10), StandardCharsets.US_ASCII).toUpperCase();
				if (command.startsWith("EHLO")) {
					replies.append("250-bench-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n");
				}
				else if (command.startsWith("HELO") || command.startsWith("MAIL") || command.startsWith("RCPT")
						|| command.startsWith("RSET") || command.startsWith("NOOP")) {
					replies.append("250 OK\r\n");
				}
				else if (command.startsWith("DATA")) {
					out.write(replies.append("354 go ahead\r\n").toString().getBytes(StandardCharsets.US_ASCII));
					out.flush();
					replies.setLength(0);
					readMessage(in, line);
					replies.append("250 OK queued\r\n");
				}
				else if (command.startsWith("QUIT")) {
					out.write(replies.append("221 bye\r\n").toString().getBytes(StandardCharsets.US_ASCII));
					out.flush();
					return;
				}
				else {
					replies.append("502 not implemented\r\n");
				}
				// Answer when the client has nothing more buffered: pipelined commands
				// get their replies together.
				if (in.available() == 0 && replies.length() > 0) {
					out.write(replies.toString().getBytes(StandardCharsets.US_ASCII));
					out.flush();
					replies.setLength(0);
				}
			}
		}
		catch (IOException ex) {
			// client went away
		}
	}

	private void readMessage(InputStream in, byte[] line) throws IOException {
		long id = -1;
		int length;
		boolean ended = false;
		while ((length = readLine(in, line)) >= 0) {
			if (length == 1 && line[0] == '.') {
				ended = true;
				break;
			}
			if (id < 0 && startsWith(line, length, HEADER)) {
				id = Long.parseLong(
						new String(line, HEADER.length, length - HEADER.length, StandardCharsets.US_ASCII).strip());
			}
		}
		if (!ended) {
			// Cut off before its final dot (the client died): it did not arrive.
			throw new IOException("the client went away during a message");
		}
		messages.incrementAndGet();
		if (id >= 0) {
			synchronized (this) {
				if (seen.get((int) id)) {
					duplicates++;
					duplicated.add(id);
				}
				seen.set((int) id);
			}
		}
	}

	/**
	 * Reads one line without its CRLF; long lines are cut (the rest is read as further
	 * lines).
	 */
	private static int readLine(InputStream in, byte[] line) throws IOException {
		int length = 0;
		int b;
		while ((b = in.read()) != -1) {
			if (b == '\n') {
				return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
			}
			if (length < line.length) {
				line[length++] = (byte) b;
			}
		}
		return length > 0 ? length : -1;
	}

	private static boolean startsWith(byte[] line, int length, byte[] prefix) {
		if (length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (line[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	@Override
	public void close() throws IOException {
		server.close();
	}

}
