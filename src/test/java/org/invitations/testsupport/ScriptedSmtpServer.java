package org.invitations.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * An SMTP server for fault tests that answers what the test chooses: a reply per
 * recipient and attempt (for 4xx, 5xx, 421), a reply to the sender (a quota), a message
 * taken without a reply (the connection closed, or silence), a slow greeting or none, and
 * going down and up again on the same port; over TLS (implicit or STARTTLS) and behind a
 * login where asked. It keeps who received a message and its content; everything else it
 * accepts.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

	private final int port;

	private final List<String> delivered = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile BiFunction<String, Integer, String> rcptReply = (recipient, attempt) -> null;

	private volatile BiFunction<String, Integer, String> dataReply = (recipient, attempt) -> null;

	private volatile IntFunction<String> mailReply = delivered -> null;

	private final Map<String, List<String>> contents = new ConcurrentHashMap<>();

	/**
	 * A reply to the end of a message's content: the message is taken, and the connection
	 * closed without a reply.
	 */
	public static final String CLOSE_WITHOUT_REPLY = "(close without reply)";

	/**
	 * A reply to the end of a message's content: the message is taken, and then the
	 * server says nothing more on that connection, whatever comes, until the client
	 * leaves: a server that stopped answering.
	 */
	public static final String NEVER_REPLY = "(never reply)";

	private final Map<String, AtomicInteger> dataAttempts = new ConcurrentHashMap<>();

	private final AtomicInteger sessions = new AtomicInteger();

	private volatile Duration greetingDelay = Duration.ZERO;

	private volatile boolean greets = true;

	private volatile ServerSocket server;

	private volatile SSLContext implicitTls;

	private volatile SSLContext offerStartTls;

	private volatile String[] requiredLogin;

	private final List<String> logins = new CopyOnWriteArrayList<>();

	private final AtomicInteger encrypted = new AtomicInteger();

	private ScriptedSmtpServer() throws IOException {
		server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		port = server.getLocalPort();
		accept(server);
	}

	public static ScriptedSmtpServer start() {
		try {
			return new ScriptedSmtpServer();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return port;
	}

	/**
	 * Chooses the reply to RCPT TO: given the address and its attempt number (1 for the
	 * first), a full reply line such as {@code 451 4.3.0 try later}, or {@code null} for
	 * 250. A 421 reply closes the connection.
	 */
	public void replyToRecipients(BiFunction<String, Integer, String> reply) {
		rcptReply = reply;
	}

	/**
	 * Chooses the reply to the end of a message's content, as {@link #replyToRecipients}
	 * does for RCPT TO; a message answered other than 2xx is not delivered.
	 */
	public void replyToData(BiFunction<String, Integer, String> reply) {
		dataReply = reply;
	}

	/**
	 * Chooses the reply to MAIL FROM, given how many messages were delivered so far: a
	 * full reply line such as {@code 550 5.4.5 Daily sending quota exceeded}, or
	 * {@code null} for 250. After a refused MAIL FROM, RCPT TO is answered 503 as a real
	 * server does; a 421 reply closes the connection.
	 */
	public void replyToSender(IntFunction<String> reply) {
		mailReply = reply;
	}

	/**
	 * The content of each message delivered to a recipient, in order, as the recipient
	 * gets it: byte for byte what came over the wire (ISO-8859-1, one char a byte), the
	 * dot-stuffing undone.
	 */
	public List<String> contents(String recipient) {
		List<String> received = contents.get(recipient);
		return received == null ? List.of() : List.copyOf(received);
	}

	/**
	 * Speaks TLS from the first byte on every new connection (SMTPS), with this
	 * certificate.
	 */
	public void implicitTls(SSLContext context) {
		implicitTls = context;
	}

	/** Offers STARTTLS (RFC 3207) with this certificate on every new connection. */
	public void offerStartTls(SSLContext context) {
		offerStartTls = context;
	}

	/**
	 * Offers AUTH PLAIN and LOGIN and refuses MAIL FROM until this user logs in with this
	 * password.
	 */
	public void requireLogin(String user, String password) {
		requiredLogin = new String[] { user, password };
	}

	/** The users who logged in, one entry per login. */
	public List<String> logins() {
		return List.copyOf(logins);
	}

	/** How many of the delivered messages came over TLS. */
	public int deliveredEncrypted() {
		return encrypted.get();
	}

	/**
	 * A mail sender aimed at this server, as Spring Boot would build it, with every SMTP
	 * timeout set to {@code timeoutMillis}.
	 */
	public JavaMailSenderImpl mailSender(int timeoutMillis) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		for (String timeout : List.of("connectiontimeout", "timeout", "writetimeout")) {
			sender.getJavaMailProperties().setProperty("mail.smtp." + timeout, Integer.toString(timeoutMillis));
		}
		return sender;
	}

	/** Connections accepted so far. */
	public int sessions() {
		return sessions.get();
	}

	/** Waits this long before greeting each new connection. */
	public void greetAfter(Duration delay) {
		greetingDelay = delay;
	}

	/**
	 * Whether a new connection is greeted: when not, the server accepts it and then says
	 * nothing until the client leaves.
	 */
	public void greet(boolean greet) {
		greets = greet;
	}

	/** Recipients of accepted messages, one entry per message. */
	public List<String> delivered() {
		return List.copyOf(delivered);
	}

	public int attempts(String recipient) {
		AtomicInteger n = attempts.get(recipient);
		return n == null ? 0 : n.get();
	}

	/** Stops listening and cuts every connection: the server is down. */
	public synchronized void down() {
		close(server);
		sockets.forEach(ScriptedSmtpServer::close);
		sockets.clear();
	}

	/** Listens again on the same port. */
	public synchronized void up() {
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

	private void accept(ServerSocket listening) {
		Thread acceptor = new Thread(() -> {
			while (!listening.isClosed()) {
				try {
					Socket socket = listening.accept();
					// Each reply is its own small write: without this, Nagle's algorithm
					// holds the second one back
					// until the client's delayed ACK (40 ms), which capped the server at
					// about 25 messages/s a session.
					socket.setTcpNoDelay(true);
					sockets.add(socket);
					sessions.incrementAndGet();
					Thread session = new Thread(() -> session(socket), "scripted-smtp-session");
					session.setDaemon(true);
					session.start();
				}
				catch (IOException ex) {
					// closed by down() or close()
				}
			}
		}, "scripted-smtp");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void session(Socket socket) {
		Socket layer = socket;
		try (socket) {
			SSLContext implicit = implicitTls;
			if (implicit != null) {
				layer = serverSide(implicit, socket);
			}
			BufferedReader in = reader(layer);
			OutputStream out = layer.getOutputStream();
			if (!greetingDelay.isZero()) {
				Thread.sleep(greetingDelay.toMillis());
			}
			if (!greets) {
				keepSilent(in);
				return;
			}
			reply(out, "220 scripted ESMTP");
			String recipient = null;
			boolean accepted = false;
			boolean sender = false;
			String user = null;
			String line;
			while ((line = in.readLine()) != null) {
				String command = line.toUpperCase();
				SSLContext startTls = offerStartTls;
				String[] login = requiredLogin;
				if (command.startsWith("EHLO")) {
					reply(out,
							"250-scripted\r\n250-PIPELINING\r\n"
									+ (startTls != null && !(layer instanceof SSLSocket) ? "250-STARTTLS\r\n" : "")
									+ (login != null ? "250-AUTH PLAIN LOGIN\r\n" : "") + "250 8BITMIME");
				}
				else if (command.equals("STARTTLS") && startTls != null && !(layer instanceof SSLSocket)) {
					reply(out, "220 2.0.0 ready to start TLS");
					layer = serverSide(startTls, socket);
					in = reader(layer);
					out = layer.getOutputStream();
				}
				else if (command.startsWith("AUTH ") && login != null) {
					user = authenticate(line, in, out, login);
				}
				else if (command.startsWith("MAIL FROM") && login != null && user == null) {
					reply(out, "530 5.7.0 Authentication required");
				}
				else if (command.startsWith("HELO") || command.startsWith("NOOP")) {
					reply(out, "250 OK");
				}
				else if (command.startsWith("MAIL FROM")) {
					recipient = null;
					accepted = false;
					String answer = mailReply.apply(delivered.size());
					sender = answer == null;
					reply(out, answer == null ? "250 OK" : answer);
					if (answer != null && answer.startsWith("421")) {
						return;
					}
				}
				else if (command.startsWith("RSET")) {
					recipient = null;
					accepted = false;
					sender = false;
					reply(out, "250 OK");
				}
				else if (command.startsWith("RCPT TO") && !sender) {
					reply(out, "503 5.5.1 Error: need MAIL command");
				}
				else if (command.startsWith("RCPT TO")) {
					recipient = line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase();
					int attempt = attempts.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet();
					String answer = rcptReply.apply(recipient, attempt);
					accepted = answer == null;
					reply(out, answer == null ? "250 OK" : answer);
					if (answer != null && answer.startsWith("421")) {
						return;
					}
				}
				else if (command.startsWith("DATA")) {
					if (!accepted) {
						reply(out, "554 no valid recipients");
						continue;
					}
					reply(out, "354 go ahead");
					StringBuilder content = new StringBuilder();
					while ((line = contentLine(in)) != null && !line.equals(".")) {
						// Dot-stuffing undone (RFC 5321, 4.5.2): what the recipient gets.
						content.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
					}
					if (line == null) {
						// The client left before the end of the content: the transaction
						// is dropped, unsent.
						return;
					}
					int attempt = dataAttempts.computeIfAbsent(recipient, r -> new AtomicInteger()).incrementAndGet();
					String answer = dataReply.apply(recipient, attempt);
					if (answer == null || answer.equals(CLOSE_WITHOUT_REPLY) || answer.equals(NEVER_REPLY)) {
						if (layer instanceof SSLSocket) {
							encrypted.incrementAndGet();
						}
						delivered.add(recipient);
						contents.computeIfAbsent(recipient, r -> new CopyOnWriteArrayList<>()).add(content.toString());
					}
					if (CLOSE_WITHOUT_REPLY.equals(answer)) {
						// Taken, but the reply is lost: the client cannot know whether
						// the message arrived.
						return;
					}
					if (NEVER_REPLY.equals(answer)) {
						// Taken, and then silence: only the client's read timeout ends
						// this.
						keepSilent(in);
						return;
					}
					reply(out, answer == null ? "250 OK queued" : answer);
				}
				else if (command.startsWith("QUIT")) {
					reply(out, "221 bye");
					return;
				}
				else {
					reply(out, "502 not implemented");
				}
			}
		}
		catch (IOException | InterruptedException ex) {
			// cut by down(), or the client left
		}
		finally {
			sockets.remove(socket);
		}
	}

	/**
	 * A line of a message's content up to CRLF, without it; a CR or LF alone stays in the
	 * line, so that the content kept is byte for byte what came (each byte one char).
	 */
	private static String contentLine(BufferedReader in) throws IOException {
		StringBuilder line = new StringBuilder(80);
		int c;
		while ((c = in.read()) >= 0) {
			if (c == '\n' && !line.isEmpty() && line.charAt(line.length() - 1) == '\r') {
				line.setLength(line.length() - 1);
				return line.toString();
			}
			line.append((char) c);
		}
		return null;
	}

	private static BufferedReader reader(Socket socket) throws IOException {
		return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
	}

	/** TLS over an accepted connection, this end the server. */
	private static SSLSocket serverSide(SSLContext context, Socket socket) throws IOException {
		SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), true);
		tls.setUseClientMode(false);
		tls.startHandshake();
		return tls;
	}

	/**
	 * AUTH PLAIN (with its initial response) or LOGIN; returns the user, or null after a
	 * 535.
	 */
	private String authenticate(String line, BufferedReader in, OutputStream out, String[] login) throws IOException {
		String[] words = line.split(" ");
		String user;
		String password;
		if (words[1].equalsIgnoreCase("PLAIN") && words.length == 3) {
			String[] parts = decode(words[2]).split("\0", -1);
			user = parts.length == 3 ? parts[1] : "";
			password = parts.length == 3 ? parts[2] : "";
		}
		else if (words[1].equalsIgnoreCase("LOGIN")) {
			reply(out, "334 VXNlcm5hbWU6");
			user = decode(in.readLine());
			reply(out, "334 UGFzc3dvcmQ6");
			password = decode(in.readLine());
		}
		else {
			reply(out, "504 5.5.4 mechanism not supported");
			return null;
		}
		if (user.equals(login[0]) && password.equals(login[1])) {
			logins.add(user);
			reply(out, "235 2.7.0 Authentication successful");
			return user;
		}
		reply(out, "535 5.7.8 Authentication credentials invalid");
		return null;
	}

	private static String decode(String base64) {
		return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
	}

	/**
	 * Reads whatever the client sends, answering nothing, until it closes the connection.
	 */
	private static void keepSilent(BufferedReader in) throws IOException {
		while (in.readLine() != null) {
			// silence
		}
	}

	private static void reply(OutputStream out, String text) throws IOException {
		out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static void close(java.io.Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// going away
		}
	}

	@Override
	public void close() {
		down();
	}

}
