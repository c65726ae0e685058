package org.invitations.smtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The socket under a {@link DirectSmtpConnection}: connecting, the greeting and EHLO
 * (whether the server offers PIPELINING), buffered writes that {@link WriteWatchdog} can
 * cut when they block for too long, and reads that time out by the socket. No TLS and no
 * login: where those are configured, Angus Mail sends instead.
 */
final class SmtpChannel {

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final WriteWatchdog watchdog;

	private final boolean pipelining;

	/** When the current write began (nanoTime), or 0; read by the watchdog. */
	private volatile long writingSince;

	private volatile boolean cutByWatchdog;

	private SmtpChannel(Socket socket, WriteWatchdog watchdog) throws IOException {
		this.socket = socket;
		this.watchdog = watchdog;
		this.in = new BufferedInputStream(socket.getInputStream(), 8192);
		this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
		watchdog.watch(this);
		SmtpReply greeting = read();
		if (greeting.code() != 220) {
			throw new IOException("greeting: " + greeting);
		}
		String heloName = addressLiteral(socket);
		SmtpReply ehlo = command("EHLO " + heloName);
		if (ehlo.code() == 250) {
			this.pipelining = ehlo.lines()
				.stream()
				.skip(1)
				.map(line -> line.length() > 4 ? line.substring(4).strip().toUpperCase(Locale.ROOT) : "")
				.anyMatch(keyword -> keyword.equals("PIPELINING") || keyword.startsWith("PIPELINING "));
		}
		else {
			this.pipelining = false;
			SmtpReply helo = command("HELO " + heloName);
			if (helo.code() != 250) {
				throw new IOException("HELO: " + helo);
			}
		}
	}

	/** Connects, reads the greeting and introduces itself. */
	static SmtpChannel open(String host, int port, Duration connectTimeout, Duration readTimeout,
			WriteWatchdog watchdog) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
			socket.setSoTimeout((int) readTimeout.toMillis());
			return new SmtpChannel(socket, watchdog);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			watchdog.forget(socket);
			throw ex;
		}
	}

	boolean pipelining() {
		return pipelining;
	}

	SmtpReply command(String command) throws IOException {
		write(command);
		flush();
		return read();
	}

	void write(String command) throws IOException {
		writingSince = System.nanoTime();
		try {
			out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		}
		finally {
			writingSince = 0;
		}
	}

	/**
	 * Writes a message's content, dot-stuffed, and its end; flushed by the caller, with
	 * what may follow it.
	 */
	void writeContent(byte[] bytes) throws IOException {
		writingSince = System.nanoTime();
		try {
			// Dot-stuffing (RFC 5321, 4.5.2): a line that begins with '.' gets a second
			// one.
			int start = 0;
			boolean lineStart = true;
			for (int i = 0; i < bytes.length; i++) {
				if (lineStart && bytes[i] == '.') {
					out.write(bytes, start, i - start);
					out.write('.');
					start = i;
				}
				lineStart = bytes[i] == '\n';
			}
			out.write(bytes, start, bytes.length - start);
			if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
				out.write('\r');
				out.write('\n');
			}
			out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		finally {
			writingSince = 0;
		}
	}

	void flush() throws IOException {
		writingSince = System.nanoTime();
		try {
			out.flush();
		}
		finally {
			writingSince = 0;
		}
	}

	SmtpReply read() throws IOException {
		return SmtpReply.read(in);
	}

	/**
	 * Says QUIT, briefly: the messages are already accepted or refused, so a failed QUIT
	 * changes nothing.
	 */
	void quit() {
		if (socket.isClosed()) {
			return;
		}
		try {
			socket.setSoTimeout(1000);
			command("QUIT");
		}
		catch (IOException ex) {
			// see above
		}
	}

	/**
	 * Closes the socket without a word to the server; a transaction it holds open is
	 * dropped, unsent.
	 */
	void drop() {
		closeQuietly(socket);
		watchdog.forget(socket);
	}

	/**
	 * Cuts a write that has been blocked since before {@code deadline} (nanoTime); called
	 * by the watchdog.
	 */
	boolean cutIfWritingSince(long deadline) {
		long since = writingSince;
		if (since != 0 && since - deadline < 0) {
			cutByWatchdog = true;
			closeQuietly(socket);
			return true;
		}
		return false;
	}

	Socket socket() {
		return socket;
	}

	/**
	 * What went wrong, for the operator: a timeout says which, else the failure's own
	 * words.
	 */
	String describe(IOException ex) {
		return describe(ex, cutByWatchdog);
	}

	static String describe(IOException ex, boolean cutByWatchdog) {
		if (cutByWatchdog) {
			return "write timed out";
		}
		if (ex instanceof SocketTimeoutException) {
			return "read timed out";
		}
		return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
	}

	/**
	 * The EHLO name: the address literal of this end of the connection (RFC 5321, 4.1.3),
	 * with no DNS lookup.
	 */
	private static String addressLiteral(Socket socket) {
		var local = socket.getLocalAddress();
		return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress() + "]"
				: "[" + local.getHostAddress() + "]";
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// going away anyway
		}
	}

}
