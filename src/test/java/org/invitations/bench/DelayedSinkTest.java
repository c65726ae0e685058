package org.invitations.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import org.invitations.mail.PreparedMessage;
import org.invitations.smtp.MailGateway;
import org.invitations.smtp.SendResult;
import org.invitations.smtp.SmtpGateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delayed sink over real sockets: the delay per message and connection, the cap on
 * connections per address, pipelining, and the application's own SMTP client against it.
 */
class DelayedSinkTest {

	private static final Duration DELAY = Duration.ofMillis(20);

	private final Session session = Session.getInstance(new Properties());

	@Test
	void eachMessageOnAConnectionWaitsTheDelayForItsReply() throws Exception {
		int messages = 10;
		try (DelayedSink sink = DelayedSink.start(DELAY, 4, true); Client client = new Client(sink)) {
			client.reply();
			client.send("EHLO client\r\n");
			client.reply();
			long start = System.nanoTime();
			for (int i = 0; i < messages; i++) {
				client.send("MAIL FROM:<club@example.org>\r\nRCPT TO:<ann@example.org>\r\nDATA\r\n");
				client.reply();
				client.reply();
				assertThat(client.reply()).startsWith("354");
				client.send("Subject: hello\r\n\r\nHello\r\n.\r\n");
				assertThat(client.reply()).startsWith("250");
			}
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

			assertThat(elapsed).isGreaterThanOrEqualTo(DELAY.multipliedBy(messages));
			assertThat(sink.accepted()).isEqualTo(messages);
			long[] times = sink.acceptedAt();
			assertThat(times).hasSize(messages);
			for (int i = 1; i < times.length; i++) {
				assertThat(times[i] - times[i - 1]).isGreaterThanOrEqualTo(DELAY.toNanos());
			}
		}
	}

	@Test
	void aConnectionOverTheCapOfItsAddressIsRefusedAndAFreedPlaceIsTakenAgain() throws Exception {
		int cap = 4;
		try (DelayedSink sink = DelayedSink.start(DELAY, cap, false)) {
			List<Client> clients = new ArrayList<>();
			try {
				for (int i = 0; i < cap; i++) {
					Client client = new Client(sink);
					clients.add(client);
					assertThat(client.reply()).startsWith("220");
				}
				try (Client over = new Client(sink)) {
					assertThat(over.reply()).isEqualTo("421 4.7.0 too many connections from your address");
					assertThat(over.closed()).isTrue();
				}
				assertThat(sink.refusedConnections()).isEqualTo(1);

				clients.get(0).send("QUIT\r\n");
				assertThat(clients.get(0).reply()).startsWith("221");
				// The place is freed once the session has ended, just after its reply.
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
					try (Client again = new Client(sink)) {
						assertThat(again.reply()).startsWith("220");
					}
				});
			}
			finally {
				for (Client client : clients) {
					client.close();
				}
			}
		}
	}

	@Test
	void pipelinedCommandsAreAnsweredInOrderAndContentIsReadToItsOwnDot() throws Exception {
		try (DelayedSink sink = DelayedSink.start(DELAY, 4, false); Client client = new Client(sink)) {
			assertThat(client.reply()).startsWith("220");
			client.send("EHLO client\r\n");
			assertThat(client.replyLines()).containsExactly("250-delayed-sink", "250-PIPELINING", "250-8BITMIME",
					"250-SMTPUTF8", "250 SIZE 10485760");

			client.send("MAIL FROM:<club@example.org> SIZE=100\r\nRCPT TO:<ann@example.org>\r\nDATA\r\n");
			assertThat(List.of(client.reply(), client.reply(), client.reply())).containsExactly("250 2.1.0 OK",
					"250 2.1.5 OK", "354 end data with <CR><LF>.<CR><LF>");
			// As the application's client does: the next envelope right after the
			// content's dot, in the same write; a dot-stuffed line and one longer than
			// the sink's buffer on the way.
			client.send("Subject: one\r\n\r\n..not the end\r\n" + "a".repeat(100_000) + "\r\n.\r\n"
					+ "MAIL FROM:<club@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n");
			assertThat(List.of(client.reply(), client.reply(), client.reply(), client.reply())).containsExactly(
					"250 2.0.0 accepted", "250 2.1.0 OK", "250 2.1.5 OK", "354 end data with <CR><LF>.<CR><LF>");
			client.send("Subject: two\r\n\r\nHello\r\n.\r\n");
			assertThat(client.reply()).isEqualTo("250 2.0.0 accepted");
			client.send("DATA\r\nRSET\r\nNOOP\r\nQUIT\r\n");
			assertThat(List.of(client.reply(), client.reply(), client.reply(), client.reply()))
				.containsExactly("503 5.5.1 MAIL first", "250 2.0.0 OK", "250 2.0.0 OK", "221 2.0.0 bye");

			assertThat(sink.accepted()).isEqualTo(2);
		}
	}

	@Test
	void theApplicationsClientSendsOverTwoConnectionsAtOnce() throws Exception {
		int perConnection = 10;
		try (DelayedSink sink = DelayedSink.start(DELAY, 2, false); SmtpGateway gateway = gateway(sink)) {
			long start = System.nanoTime();
			CompletableFuture<List<SendResult>> first = CompletableFuture
				.supplyAsync(() -> send(gateway, perConnection));
			CompletableFuture<List<SendResult>> second = CompletableFuture
				.supplyAsync(() -> send(gateway, perConnection));
			List<SendResult> results = new ArrayList<>(first.get());
			results.addAll(second.get());
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

			assertThat(results).hasSize(2 * perConnection)
				.allSatisfy(result -> assertThat(result.status()).isEqualTo(SendResult.Status.SENT));
			assertThat(sink.accepted()).isEqualTo(2 * perConnection);
			assertThat(sink.refusedConnections()).isZero();
			assertThat(elapsed).isGreaterThanOrEqualTo(DELAY.multipliedBy(perConnection));
		}
	}

	/**
	 * Connections leave from the address {@code mail.smtp.localaddress} names: a sending
	 * host with several addresses, or several workers on one host, each within the cap of
	 * its own address.
	 */
	@Test
	void theClientSendsFromTheLocalAddressItIsGiven() throws Exception {
		try (DelayedSink sink = DelayedSink.start(DELAY, 1, false);
				SmtpGateway fromTwo = gateway(sink, "127.0.0.2");
				SmtpGateway fromThree = gateway(sink, "127.0.0.3")) {
			CompletableFuture<List<SendResult>> first = CompletableFuture.supplyAsync(() -> send(fromTwo, 5));
			CompletableFuture<List<SendResult>> second = CompletableFuture.supplyAsync(() -> send(fromThree, 5));
			List<SendResult> results = new ArrayList<>(first.get());
			results.addAll(second.get());

			assertThat(results).allSatisfy(result -> assertThat(result.status()).isEqualTo(SendResult.Status.SENT));
			assertThat(sink.accepted()).isEqualTo(10);
			assertThat(sink.refusedConnections()).isZero();
		}
	}

	/** Sends messages over one connection, each announcing the next as the job does. */
	private List<SendResult> send(MailGateway gateway, int count) {
		List<PreparedMessage> messages = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			messages.add(message("person" + i + "@example.org"));
		}
		List<SendResult> results = new ArrayList<>();
		try (MailGateway.Connection connection = gateway.open()) {
			for (int i = 0; i < count; i++) {
				results.add(connection.send(messages.get(i), i + 1 < count ? messages.get(i + 1) : null));
			}
		}
		return results;
	}

	private static SmtpGateway gateway(DelayedSink sink) {
		return gateway(sink, null);
	}

	private static SmtpGateway gateway(DelayedSink sink, String localAddress) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		if (localAddress != null) {
			sender.getJavaMailProperties().setProperty("mail.smtp.localaddress", localAddress);
		}
		sender.setHost(sink.host());
		sender.setPort(sink.port());
		sender.getJavaMailProperties().setProperty("mail.smtp.from", "bounces@example.org");
		sender.getJavaMailProperties().setProperty("mail.smtp.connectiontimeout", "2000");
		sender.getJavaMailProperties().setProperty("mail.smtp.timeout", "2000");
		return new SmtpGateway(sender);
	}

	private PreparedMessage message(String to) {
		String raw = "From: club@example.org\r\nTo: " + to + "\r\nSubject: hello\r\n\r\nHello\r\n";
		try {
			return PreparedMessage
				.of(new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A raw SMTP client: writes what the test says, in one write, and reads replies. */
	private static final class Client implements AutoCloseable {

		private final Socket socket;

		private final BufferedReader in;

		private final OutputStream out;

		Client(DelayedSink sink) throws IOException {
			socket = new Socket(sink.host(), sink.port());
			socket.setSoTimeout(5000);
			in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
			out = socket.getOutputStream();
		}

		void send(String text) throws IOException {
			out.write(text.getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}

		/** The last line of the next reply. */
		String reply() throws IOException {
			List<String> lines = replyLines();
			return lines.get(lines.size() - 1);
		}

		List<String> replyLines() throws IOException {
			List<String> lines = new ArrayList<>();
			String line;
			do {
				line = in.readLine();
				if (line == null) {
					throw new IOException("closed after " + lines);
				}
				lines.add(line);
			}
			while (line.length() > 3 && line.charAt(3) == '-');
			return lines;
		}

		boolean closed() throws IOException {
			return in.read() == -1;
		}

		@Override
		public void close() throws IOException {
			socket.close();
		}

	}

}
