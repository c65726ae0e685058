package org.invitations.delivery;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/**
 * A plain SMTP connection (RFC 5321) for servers that need neither TLS nor authentication, such as a local relay
 * or a bulk MTA: it writes the ready-made bytes of a {@link PreparedMessage} and, where the server offers
 * PIPELINING (RFC 2920), sends MAIL, RCPT and DATA in one write and reads their replies together, so a message
 * costs two round trips instead of four. Angus Mail, which does neither, stays in charge wherever TLS or a login
 * is configured.
 * <p>
 * Replies are read the SMTP way: 2xx accepted, 5xx final for this message, other 4xx temporary, and 421, a
 * timeout or a broken connection mean the server is unavailable. Reads time out by the socket; a write that
 * blocks longer than its timeout is cut by {@link WriteWatchdog}.
 */
final class DirectSmtpConnection implements MailGateway.Connection {

	private static final int MAX_REPLY_LINE = 4096;

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	private final String server;

	private final String envelopeFrom;

	private final boolean pipelining;

	private final WriteWatchdog watchdog;

	/** When the current write began (nanoTime), or 0; read by the watchdog. */
	private volatile long writingSince;

	private volatile boolean cutByWatchdog;

	private DirectSmtpConnection(Socket socket, String server, String envelopeFrom, WriteWatchdog watchdog,
			String heloName) throws IOException {
		this.socket = socket;
		this.server = server;
		this.envelopeFrom = envelopeFrom;
		this.watchdog = watchdog;
		this.in = new BufferedInputStream(socket.getInputStream(), 8192);
		this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
		watchdog.watch(this);
		Reply greeting = read();
		if (greeting.code() != 220) {
			throw new IOException("greeting: " + greeting);
		}
		Reply ehlo = command("EHLO " + heloName);
		if (ehlo.code() == 250) {
			this.pipelining = ehlo.lines()
				.stream()
				.skip(1)
				.map(line -> line.length() > 4 ? line.substring(4).strip().toUpperCase(Locale.ROOT) : "")
				.anyMatch(keyword -> keyword.equals("PIPELINING") || keyword.startsWith("PIPELINING "));
		}
		else {
			this.pipelining = false;
			Reply helo = command("HELO " + heloName);
			if (helo.code() != 250) {
				throw new IOException("HELO: " + helo);
			}
		}
	}

	/** Connects, reads the greeting and introduces itself; fails as the server being unavailable. */
	static DirectSmtpConnection open(String host, int port, String envelopeFrom, Duration connectTimeout,
			Duration readTimeout, WriteWatchdog watchdog) {
		String server = "SMTP server " + host + ":" + port;
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
			socket.setSoTimeout((int) readTimeout.toMillis());
			return new DirectSmtpConnection(socket, server, envelopeFrom, watchdog, addressLiteral(socket));
		}
		catch (IOException ex) {
			closeQuietly(socket);
			watchdog.forget(socket);
			throw new MailServerUnavailableException("cannot connect to " + server + ": " + describe(ex, false), ex);
		}
	}

	boolean pipelining() {
		return pipelining;
	}

	@Override
	public SendResult send(MimeMessage message) {
		try {
			String to = address(message.getAllRecipients());
			String from = envelopeFrom != null ? envelopeFrom : address(message.getFrom());
			List<Reply> envelope = new ArrayList<>(3);
			String[] commands = { "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA" };
			if (pipelining) {
				for (String command : commands) {
					write(command);
				}
				flush();
				for (int i = 0; i < commands.length; i++) {
					Reply reply = read();
					envelope.add(reply);
					if (reply.code() == 421) {
						break;
					}
				}
			}
			else {
				for (String command : commands) {
					Reply reply = command(command);
					envelope.add(reply);
					if (!reply.isPositive()) {
						break;
					}
				}
			}
			Reply refusal = envelope.stream().filter(reply -> !reply.isPositive()).findFirst().orElse(null);
			if (refusal == null) {
				writeBody(message);
				return outcome(read());
			}
			if (envelope.size() == 3 && envelope.get(2).code() == 354) {
				// A server may open DATA although it refused the envelope (RFC 2920, 3.1): end it, empty.
				write(".");
				flush();
				read();
			}
			SendResult result = outcome(refusal);
			command("RSET");
			return result;
		}
		catch (IOException ex) {
			// No QUIT: the connection is broken or the server is leaving.
			closeQuietly(socket);
			watchdog.forget(socket);
			throw new MailServerUnavailableException(server + " unavailable: " + describe(ex, cutByWatchdog), ex);
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("message has no usable address: " + ex.getMessage(), ex);
		}
	}

	/** Reads a final reply: accepted, refused for good, or to be tried later; 421 means the server is going away. */
	private SendResult outcome(Reply reply) throws IOException {
		if (reply.code() / 100 == 2) {
			return SendResult.sent(reply.toString());
		}
		if (reply.code() == 421 || reply.code() / 100 != 4 && reply.code() / 100 != 5) {
			throw new IOException(reply.toString());
		}
		return new SendResult(reply.code() / 100 == 5 ? SendResult.Status.FAILED : SendResult.Status.DEFERRED,
				reply.toString());
	}

	private void writeBody(MimeMessage message) throws IOException {
		byte[] bytes;
		if (message instanceof PreparedMessage prepared) {
			bytes = prepared.bytes();
		}
		else {
			ByteArrayOutputStream buffer = new ByteArrayOutputStream();
			try {
				message.writeTo(buffer);
			}
			catch (MessagingException ex) {
				throw new IllegalStateException("message cannot be written: " + ex.getMessage(), ex);
			}
			bytes = buffer.toByteArray();
		}
		beginWrite();
		try {
			// Dot-stuffing (RFC 5321, 4.5.2): a line that begins with '.' gets a second one.
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
			out.flush();
		}
		finally {
			endWrite();
		}
	}

	private Reply command(String command) throws IOException {
		write(command);
		flush();
		return read();
	}

	private void write(String command) throws IOException {
		beginWrite();
		try {
			out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		}
		finally {
			endWrite();
		}
	}

	private void flush() throws IOException {
		beginWrite();
		try {
			out.flush();
		}
		finally {
			endWrite();
		}
	}

	private void beginWrite() {
		writingSince = System.nanoTime();
	}

	private void endWrite() {
		writingSince = 0;
	}

	/** Reads one reply, all its lines. */
	private Reply read() throws IOException {
		List<String> lines = new ArrayList<>(1);
		while (true) {
			String line = readLine();
			if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
					|| !Character.isDigit(line.charAt(2))) {
				throw new IOException("not an SMTP reply: " + line);
			}
			lines.add(line);
			if (line.length() == 3 || line.charAt(3) != '-') {
				return new Reply(Integer.parseInt(line.substring(0, 3)), lines);
			}
		}
	}

	private String readLine() throws IOException {
		StringBuilder line = new StringBuilder(64);
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("connection closed by the server");
			}
			if (b == '\n') {
				int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
				return line.substring(0, end);
			}
			if (line.length() >= MAX_REPLY_LINE) {
				throw new IOException("reply line longer than " + MAX_REPLY_LINE + " characters");
			}
			line.append((char) b);
		}
	}

	/** Cuts a write that has been blocked since before {@code deadline} (nanoTime); called by the watchdog. */
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

	@Override
	public void close() {
		if (!socket.isClosed()) {
			try {
				socket.setSoTimeout(1000);
				command("QUIT");
			}
			catch (IOException ex) {
				// The messages are already accepted or refused; a failed QUIT changes nothing.
			}
		}
		closeQuietly(socket);
		watchdog.forget(socket);
	}

	private static String describe(IOException ex, boolean cutByWatchdog) {
		if (cutByWatchdog) {
			return "write timed out";
		}
		if (ex instanceof SocketTimeoutException) {
			return "read timed out";
		}
		return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
	}

	private static String address(Address[] addresses) throws MessagingException {
		if (addresses == null || addresses.length != 1 || !(addresses[0] instanceof InternetAddress address)) {
			throw new MessagingException("exactly one internet address expected");
		}
		String value = address.getAddress();
		// Addresses were validated long before; a line break here would be a command of its own.
		if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('>') >= 0) {
			throw new MessagingException("address contains a forbidden character");
		}
		return value;
	}

	/** The EHLO name: the address literal of this end of the connection (RFC 5321, 4.1.3), with no DNS lookup. */
	private static String addressLiteral(Socket socket) {
		var local = socket.getLocalAddress();
		return local instanceof Inet6Address ? "[IPv6:" + local.getHostAddress() + "]" : "[" + local.getHostAddress() + "]";
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// going away anyway
		}
	}

	/** One reply: its code and its lines as received. */
	record Reply(int code, List<String> lines) {

		boolean isPositive() {
			return code / 100 == 2 || code == 354;
		}

		@Override
		public String toString() {
			return String.join(" ", lines.stream().map(String::strip).toList());
		}

	}

}
