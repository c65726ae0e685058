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
 * PIPELINING (RFC 2920), sends MAIL, RCPT and DATA in one write and reads their replies together. When the caller
 * says which message comes next, that message's MAIL, RCPT and DATA follow this one's content in the same write
 * (content may begin a group, RFC 2920 section 3.1), so a message costs one round trip instead of four. Angus
 * Mail, which does neither, stays in charge wherever TLS or a login is configured.
 * <p>
 * Replies are read the SMTP way, by {@link ReplyClassifier}: 2xx accepted; a refusal of the recipient is final
 * (5xx) or temporary (4xx) for this message; a refusal of the sender or the session (MAIL FROM refused, 421, a
 * quota, a rate, a policy) throws {@link SenderRefusedException}. No reply to a message's content is
 * {@link NoReplyException} (in doubt); a timeout or a broken connection elsewhere means the server is unavailable. Reads time out by the socket; a write that
 * blocks longer than its timeout is cut by {@link WriteWatchdog}.
 */
final class DirectSmtpConnection implements MailGateway.Connection {

	private static final int MAX_REPLY_LINE = 4096;

	private final String host;

	private final int port;

	private final Duration connectTimeout;

	private final Duration readTimeout;

	private final String server;

	private final String envelopeFrom;

	private final WriteWatchdog watchdog;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	private boolean pipelining;

	/**
	 * The envelope already sent for the message expected next, with the server's replies; after a 354 the server
	 * takes whatever comes next as that message's content.
	 */
	private Opened opened;

	/** When the current write began (nanoTime), or 0; read by the watchdog. */
	private volatile long writingSince;

	private volatile boolean cutByWatchdog;

	private DirectSmtpConnection(String host, int port, String envelopeFrom, Duration connectTimeout,
			Duration readTimeout, WriteWatchdog watchdog) {
		this.host = host;
		this.port = port;
		this.server = "SMTP server " + host + ":" + port;
		this.envelopeFrom = envelopeFrom;
		this.connectTimeout = connectTimeout;
		this.readTimeout = readTimeout;
		this.watchdog = watchdog;
	}

	/** Connects, reads the greeting and introduces itself; fails as the server being unavailable. */
	static DirectSmtpConnection open(String host, int port, String envelopeFrom, Duration connectTimeout,
			Duration readTimeout, WriteWatchdog watchdog) {
		DirectSmtpConnection connection = new DirectSmtpConnection(host, port, envelopeFrom, connectTimeout, readTimeout,
				watchdog);
		try {
			connection.connect();
		}
		catch (IOException ex) {
			throw new MailServerUnavailableException("cannot connect to " + connection.server + ": " + describe(ex, false),
					ex);
		}
		return connection;
	}

	private void connect() throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
			socket.setSoTimeout((int) readTimeout.toMillis());
			this.socket = socket;
			this.in = new BufferedInputStream(socket.getInputStream(), 8192);
			this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
			this.cutByWatchdog = false;
			watchdog.watch(this);
			Reply greeting = read();
			if (greeting.code() != 220) {
				throw new IOException("greeting: " + greeting);
			}
			String heloName = addressLiteral(socket);
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
		catch (IOException ex) {
			closeQuietly(socket);
			watchdog.forget(socket);
			throw ex;
		}
	}

	boolean pipelining() {
		return pipelining;
	}

	@Override
	public SendResult send(MimeMessage message) {
		return send(message, null);
	}

	/**
	 * Sends {@code message}; with PIPELINING, {@code next}'s envelope follows its content in the same write and
	 * its replies are kept for the call that sends {@code next}. The server holds that transaction open until
	 * then: if the next call is for another message (this one tried again after a 4xx, say), a new connection
	 * replaces this one, and the server drops the open transaction with the old one, unsent.
	 */
	@Override
	public SendResult send(MimeMessage message, MimeMessage next) {
		try {
			List<Reply> envelope;
			if (opened != null && opened.message() == message) {
				envelope = opened.envelope();
				opened = null;
			}
			else {
				if (opened != null) {
					reconnect();
				}
				envelope = envelope(message);
			}
			Reply refusal = envelope.stream().filter(reply -> !reply.isPositive()).findFirst().orElse(null);
			if (refusal == null) {
				writeBody(message);
				String[] ahead = pipelining && next != null ? commandsAhead(next) : null;
				if (ahead != null) {
					for (String command : ahead) {
						write(command);
					}
				}
				flush();
				SendResult result = outcome(replyToContent(), ReplyClassifier.Stage.DATA);
				if (ahead != null) {
					readAhead(next);
				}
				return result;
			}
			int at = envelope.indexOf(refusal);
			ReplyClassifier.Stage stage = at == 0 ? ReplyClassifier.Stage.MAIL
					: at == 1 ? ReplyClassifier.Stage.RCPT : ReplyClassifier.Stage.DATA;
			if (ReplyClassifier.classify(stage, refusal.code(), refusal.toString()) == ReplyClassifier.Verdict.SENDER_REFUSED) {
				drop();
				throw new SenderRefusedException(refusal.toString());
			}
			if (envelope.size() == 3 && envelope.get(2).code() == 354) {
				// A server may open DATA although it refused the envelope (RFC 2920, 3.1): end it, empty.
				write(".");
				flush();
				read();
			}
			SendResult result = outcome(refusal, stage);
			command("RSET");
			return result;
		}
		catch (IOException ex) {
			// No QUIT: the connection is broken or the server is leaving.
			drop();
			throw new MailServerUnavailableException(server + " unavailable: " + describe(ex, cutByWatchdog), ex);
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("message has no usable address: " + ex.getMessage(), ex);
		}
	}

	/** MAIL, RCPT and DATA for a message. */
	private String[] commands(MimeMessage message) throws MessagingException {
		String to = address(message.getAllRecipients());
		String from = envelopeFrom != null ? envelopeFrom : address(message.getFrom());
		return new String[] { "MAIL FROM:<" + from + ">", "RCPT TO:<" + to + ">", "DATA" };
	}

	/** The commands to send ahead, or null when the message's addresses cannot be used (it fails when sent itself). */
	private String[] commandsAhead(MimeMessage message) {
		try {
			return commands(message);
		}
		catch (MessagingException ex) {
			return null;
		}
	}

	/** Sends a message's envelope and reads the replies: all at once with PIPELINING, else up to the first refusal. */
	private List<Reply> envelope(MimeMessage message) throws IOException, MessagingException {
		String[] commands = commands(message);
		List<Reply> envelope = new ArrayList<>(3);
		if (pipelining) {
			for (String command : commands) {
				write(command);
			}
			flush();
			readEnvelope(envelope);
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
		return envelope;
	}

	private void readEnvelope(List<Reply> envelope) throws IOException {
		for (int i = 0; i < 3; i++) {
			Reply reply = read();
			envelope.add(reply);
			if (reply.code() == 421) {
				break;
			}
		}
	}

	/**
	 * Reads the replies to the envelope sent ahead for {@code next}. The message before it is accepted or refused
	 * already and must be reported so: if the connection breaks here, only {@code next} is affected, and the call
	 * that sends it finds the connection closed.
	 */
	private void readAhead(MimeMessage next) {
		List<Reply> envelope = new ArrayList<>(3);
		try {
			readEnvelope(envelope);
			opened = new Opened(next, envelope);
		}
		catch (IOException ex) {
			drop();
		}
	}

	/** Drops this connection, and with it a transaction the server holds open, and opens a new one. */
	private void reconnect() throws IOException {
		drop();
		connect();
	}

	/** Closes the socket without a word to the server; a transaction it holds open is dropped, unsent. */
	private void drop() {
		opened = null;
		closeQuietly(socket);
		watchdog.forget(socket);
	}

	/**
	 * Reads the reply to a message's content. The content, its final dot included, has left: if no reply comes
	 * now, the server may have accepted the message, so this is not a plain failure but a message in doubt.
	 */
	private Reply replyToContent() {
		try {
			return read();
		}
		catch (IOException ex) {
			drop();
			throw new NoReplyException(server + " sent no reply after the message's content ("
					+ describe(ex, cutByWatchdog) + ")", ex);
		}
	}

	/**
	 * Reads a final reply: accepted, refused for good, or to be tried later, for this recipient; a refusal of the
	 * sender or the session (see {@link ReplyClassifier}) drops the connection and pauses the run.
	 */
	private SendResult outcome(Reply reply, ReplyClassifier.Stage stage) throws IOException {
		switch (ReplyClassifier.classify(stage, reply.code(), reply.toString())) {
			case ACCEPTED:
				if (reply.code() / 100 != 2) {
					throw new IOException("unexpected reply: " + reply);
				}
				return SendResult.sent(reply.toString());
			case RECIPIENT_PERMANENT:
				return new SendResult(SendResult.Status.FAILED, reply.toString());
			case RECIPIENT_TEMPORARY:
				if (reply.code() / 100 != 4) {
					throw new IOException("not an SMTP reply code: " + reply);
				}
				return new SendResult(SendResult.Status.DEFERRED, reply.toString());
			default:
				drop();
				throw new SenderRefusedException(reply.toString());
		}
	}

	/** Writes a message's content, dot-stuffed, and its end; flushed by the caller, with what may follow it. */
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
		// With DATA open, QUIT would be taken as message content: the socket is closed, and the transaction dropped.
		if (!socket.isClosed() && opened == null) {
			try {
				socket.setSoTimeout(1000);
				command("QUIT");
			}
			catch (IOException ex) {
				// The messages are already accepted or refused; a failed QUIT changes nothing.
			}
		}
		drop();
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

	/** An envelope sent ahead for a message, and the server's replies to it. */
	private record Opened(MimeMessage message, List<Reply> envelope) {
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
