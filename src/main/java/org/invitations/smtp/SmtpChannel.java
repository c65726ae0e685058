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
 * the login, buffered writes that {@link WriteWatchdog} can cut when they block for too
 * long, and reads that time out by the socket. The watchdog and {@link #drop()} close the
 * TCP socket itself, under any TLS layer: an abrupt close needs no close_notify, which
 * could block behind the very write being cut.
 */
final class SmtpChannel {

	private static final byte[] END_OF_DATA = ".\r\n".getBytes(StandardCharsets.US_ASCII);

	/** The TCP connection, under the TLS layer if there is one. */
	private final Socket socket;

	private InputStream in;

	private OutputStream out;

	private final WriteWatchdog watchdog;

	private ServerExtensions offered;

	private boolean encrypted;

	/** When the current write began (nanoTime), or 0; read by the watchdog. */
	private volatile long writingSince;

	private volatile boolean cutByWatchdog;

	private SmtpChannel(Socket socket, Socket layer, WriteWatchdog watchdog) throws IOException {
		this.socket = socket;
		this.watchdog = watchdog;
		streams(layer);
		watchdog.watch(this);
	}

	/**
	 * Connects, reads the greeting, introduces itself, starts TLS where configured and
	 * logs in.
	 */
	static SmtpChannel open(SmtpSettings settings, WriteWatchdog watchdog) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			if (settings.localAddress() != null && !settings.localAddress().isEmpty()) {
				// A host with several addresses sends from the one its relay expects.
				socket.bind(new InetSocketAddress(settings.localAddress(), 0));
			}
			socket.connect(new InetSocketAddress(settings.host(), settings.port()),
					(int) settings.connectTimeout().toMillis());
			// Bounds every read from here on, the TLS handshake and the greeting
			// included.
			socket.setSoTimeout((int) settings.readTimeout().toMillis());
			Socket layer = settings.security() == SmtpSettings.Security.IMPLICIT_TLS ? tls(socket, settings) : socket;
			SmtpChannel channel = new SmtpChannel(socket, layer, watchdog);
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
			streams(tls(socket, settings));
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
	void writeContent(byte[] bytes, boolean dotLines) throws IOException {
		writingSince = System.nanoTime();
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
