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
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The socket under a {@link DirectSmtpConnection}: connecting, TLS (implicit, or after
 * STARTTLS), the greeting, EHLO (what the server offers: PIPELINING, STARTTLS, AUTH) and
 * the login, buffered writes and reads. Every wait (the connect, a read of a reply, a
 * write) has a deadline that {@link SocketWatchdog} enforces by closing the socket; the
 * socket itself has no timeout, so that it stays in blocking mode and a read waiting for
 * a reply is one system call. The watchdog and {@link #drop()} close the TCP socket
 * itself, under any TLS layer: an abrupt close needs no close_notify, which could block
 * behind the very write being cut.
 */
final class SmtpChannel {

	private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);

	/** The TCP connection, under the TLS layer if there is one. */
	private final Socket socket;

	private InputStream in;

	private OutputStream out;

	private final SocketWatchdog watchdog;

	private final SmtpSettings settings;

	private ServerExtensions offered;

	private boolean encrypted;

	/**
	 * When the current wait must end (nanoTime), or 0 without one; read by the watchdog.
	 */
	private volatile long deadline;

	/** What the current wait is for. */
	private volatile Wait waiting = Wait.CONNECT;

	/** The wait the watchdog cut, if it cut one. */
	private volatile Wait cut;

	/** What a connection waits for, each with its limit. */
	enum Wait {

		CONNECT("connect timed out"), READ("read timed out"), WRITE("write timed out"), QUIT("read timed out");

		private final String timedOut;

		Wait(String timedOut) {
			this.timedOut = timedOut;
		}

	}

	/** How long QUIT may take: the messages are already accepted or refused. */
	private static final Duration QUIT_LIMIT = Duration.ofSeconds(1);

	private SmtpChannel(Socket socket, SmtpSettings settings, SocketWatchdog watchdog) {
		this.socket = socket;
		this.settings = settings;
		this.watchdog = watchdog;
		watchdog.watch(this);
	}

	/**
	 * The shortest limit of any wait with these settings, for the watchdog's pace.
	 */
	static Duration shortestLimit(SmtpSettings settings) {
		Duration shortest = QUIT_LIMIT;
		for (Duration limit : new Duration[] { settings.connectTimeout(), settings.readTimeout(),
				settings.writeTimeout() }) {
			if (!limit.isZero() && limit.compareTo(shortest) < 0) {
				shortest = limit;
			}
		}
		return shortest;
	}

	/**
	 * Connects, reads the greeting, introduces itself, starts TLS where configured and
	 * logs in.
	 */
	static SmtpChannel open(SmtpSettings settings, SocketWatchdog watchdog) throws IOException {
		Socket socket = new Socket();
		SmtpChannel channel = new SmtpChannel(socket, settings, watchdog);
		try {
			socket.setTcpNoDelay(true);
			if (settings.localAddress() != null && !settings.localAddress().isEmpty()) {
				// A host with several addresses sends from the one its relay expects.
				socket.bind(new InetSocketAddress(settings.localAddress(), 0));
			}
			InetSocketAddress server = new InetSocketAddress(settings.host(), settings.port());
			// No timeout given to connect: with one, the socket would stay non-blocking.
			channel.await(Wait.CONNECT, settings.connectTimeout());
			try {
				socket.connect(server);
			}
			catch (IOException ex) {
				throw channel.timedOut(ex);
			}
			finally {
				channel.deadline = 0;
			}
			Socket layer = socket;
			if (settings.security() == SmtpSettings.Security.IMPLICIT_TLS) {
				layer = channel.tls();
			}
			channel.streams(layer);
			channel.introduce(settings);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(socket);
			watchdog.forget(socket);
			throw ex;
		}
	}

	/**
	 * The greeting, EHLO (HELO where EHLO is not understood), STARTTLS and EHLO again,
	 * then the login.
	 */
	private void introduce(SmtpSettings settings) throws IOException {
		SmtpReply greeting = read();
		if (greeting.code() != 220) {
			throw new IOException("greeting: " + greeting);
		}
		String heloName = addressLiteral(socket);
		offered = hello(heloName);
		SmtpSettings.Security security = settings.security();
		boolean startTls = security == SmtpSettings.Security.STARTTLS_REQUIRED
				|| security == SmtpSettings.Security.STARTTLS_OPPORTUNISTIC && offered.startTls();
		if (startTls) {
			if (!offered.startTls()) {
				throw new IOException("the server does not offer STARTTLS (mail.smtp.starttls.required=true)");
			}
			SmtpReply ready = command("STARTTLS");
			if (ready.code() != 220) {
				throw new IOException("STARTTLS refused: " + ready);
			}
			if (in.available() > 0) {
				// Anything sent before the handshake could be read as if it came
				// encrypted (CVE-2011-0411).
				throw new IOException("the server sent data after its reply to STARTTLS");
			}
			streams(tls());
			offered = hello(heloName);
		}
		if (settings.login() != null) {
			SmtpLogin.authenticate(this, settings.login(), offered);
		}
	}

	private ServerExtensions hello(String heloName) throws IOException {
		SmtpReply ehlo = command("EHLO " + heloName);
		if (ehlo.code() == 250) {
			return ServerExtensions.of(ehlo);
		}
		SmtpReply helo = command("HELO " + heloName);
		if (helo.code() != 250) {
			throw new IOException("HELO: " + helo);
		}
		return ServerExtensions.NONE;
	}

	/** TLS over the connection, its handshake's reads bounded as a reply's. */
	private SSLSocket tls() throws IOException {
		await(Wait.READ, settings.readTimeout());
		try {
			return tls(socket, settings);
		}
		catch (IOException ex) {
			throw timedOut(ex);
		}
		finally {
			deadline = 0;
		}
	}

	/**
	 * Puts TLS over the connection: the server's certificate must chain to the trust
	 * store (the SSL bundle's, else the JDK's) and, unless switched off, name the host.
	 */
	private static SSLSocket tls(Socket socket, SmtpSettings settings) throws IOException {
		SSLSocket tls = (SSLSocket) settings.tls()
			.createSocket(new BufferedReadSocket(socket), settings.host(), settings.port(), true);
		SSLParameters parameters = tls.getSSLParameters();
		if (settings.checkHostName()) {
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
		}
		if (settings.tlsProtocols() != null) {
			parameters.setProtocols(settings.tlsProtocols());
		}
		if (settings.cipherSuites() != null) {
			parameters.setCipherSuites(settings.cipherSuites());
		}
		tls.setSSLParameters(parameters);
		tls.setUseClientMode(true);
		tls.startHandshake();
		return tls;
	}

	private void streams(Socket layer) throws IOException {
		this.in = new BufferedInputStream(layer.getInputStream(), 8192);
		this.out = new BufferedOutputStream(layer.getOutputStream(), 64 * 1024);
		this.encrypted = layer instanceof SSLSocket;
	}

	boolean pipelining() {
		return offered.pipelining();
	}

	/** Whether the session is encrypted. */
	boolean encrypted() {
		return encrypted;
	}

	SmtpReply command(String command) throws IOException {
		write(command);
		flush();
		return read();
	}

	void write(String command) throws IOException {
		await(Wait.WRITE, settings.writeTimeout());
		try {
			out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
		}
		finally {
			deadline = 0;
		}
	}

	/**
	 * Writes a message's content, dot-stuffed, and its end; flushed by the caller, with
	 * what may follow it.
	 */
	void writeContent(byte[] bytes, boolean dotLines) throws IOException {
		await(Wait.WRITE, settings.writeTimeout());
		try {
			// Dot-stuffing (RFC 5321, 4.5.2): a line that begins with '.' gets a second
			// one. An invitation's lines never start with a dot (quoted-printable encodes
			// it): its message is written in one piece, without a scan.
			int start = 0;
			if (dotLines) {
				if (bytes.length > 0 && bytes[0] == '.') {
					out.write('.');
				}
				for (int i = 0; i < bytes.length - 1; i++) {
					if (bytes[i] == '\n' && bytes[i + 1] == '.') {
						out.write(bytes, start, i + 1 - start);
						out.write('.');
						start = i + 1;
					}
				}
			}
			out.write(bytes, start, bytes.length - start);
			if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
				out.write('\r');
				out.write('\n');
			}
			out.write(END_OF_DATA);
		}
		finally {
			deadline = 0;
		}
	}

	void flush() throws IOException {
		await(Wait.WRITE, settings.writeTimeout());
		try {
			out.flush();
		}
		finally {
			deadline = 0;
		}
	}

	SmtpReply read() throws IOException {
		await(Wait.READ, settings.readTimeout());
		try {
			return SmtpReply.read(in);
		}
		catch (IOException ex) {
			throw timedOut(ex);
		}
		finally {
			deadline = 0;
		}
	}

	/**
	 * Starts a wait, ended by its caller setting {@link #deadline} to 0; a zero limit
	 * waits as long as it takes.
	 */
	private void await(Wait wait, Duration limit) {
		waiting = wait;
		deadline = limit.isZero() ? 0 : System.nanoTime() + limit.toNanos();
	}

	/**
	 * A failed connect or read as the timeout it was, when the watchdog cut it: a
	 * {@link SocketTimeoutException}, as a socket's own timeout threw before.
	 */
	private IOException timedOut(IOException ex) {
		Wait wait = cut;
		if (wait == null || wait == Wait.WRITE || ex instanceof SocketTimeoutException) {
			return ex;
		}
		SocketTimeoutException timeout = new SocketTimeoutException(wait.timedOut);
		timeout.initCause(ex);
		return timeout;
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
			// Its write and read bounded by one short limit.
			await(Wait.QUIT, QUIT_LIMIT);
			out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			SmtpReply.read(in);
		}
		catch (IOException ex) {
			// see above
		}
		finally {
			deadline = 0;
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
	 * Cuts a wait past its deadline by closing the socket; called by the watchdog.
	 * @param now {@link System#nanoTime()}
	 * @return whether it did (the connection is over)
	 */
	boolean cutIfPast(long now) {
		long until = deadline;
		if (until != 0 && now - until > 0) {
			cut = waiting;
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
		Wait wait = cut;
		return wait != null ? wait.timedOut : describeFailure(ex);
	}

	/** What went wrong, in the failure's own words; a timeout says which. */
	static String describeFailure(IOException ex) {
		if (ex instanceof SocketTimeoutException) {
			return ex.getMessage() != null && ex.getMessage().regionMatches(true, 0, "connect", 0, 7)
					? Wait.CONNECT.timedOut : Wait.READ.timedOut;
		}
		if (ex instanceof SSLException tls) {
			return describeTls(tls);
		}
		return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
	}

	/**
	 * A refused certificate in one line: not trusted, or not for this host; the JDK's own
	 * words, shortened to their last cause, for the rest.
	 */
	private static String describeTls(SSLException ex) {
		Throwable root = ex;
		boolean certificate = false;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
			certificate |= root instanceof CertificateException;
		}
		String words = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
		if (words.contains("certification path")) {
			return "TLS: the server's certificate is not trusted (" + words
					+ "; name it or its CA in spring.mail.ssl.bundle)";
		}
		if (certificate && (words.contains("No name matching") || words.contains("No subject alternative"))) {
			return "TLS: the server's certificate is not for this host (" + words + ")";
		}
		return "TLS: " + words;
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
