package org.invitations;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits per destination hold in a real run: the sink notes when each message to each
 * domain began (RCPT TO) and was taken (the reply to its content); Gmail is kept to its
 * rate, Outlook.com to one connection at a time, and example.org, in no group, goes as
 * fast as it can meanwhile. A rate named by Gmail slows Gmail only.
 */
@TestPropertySource(properties = { "invitations.mail.destinations.google.per-second=10",
		"invitations.mail.destinations.google.cool-down=30s", "invitations.mail.destinations.microsoft.connections=1",
		"invitations.mail.destination-wait=50ms" })
class DestinationLimitsIT extends ScriptedSmtpTest {

	private static final String[] DOMAINS = { "gmail.com", "outlook.com", "example.org" };

	private static final long GOOGLE_SPACING = Duration.ofMillis(100).toNanos();

	/** How long the sink takes to accept a message to outlook.com. */
	private static final long OUTLOOK_MILLIS = 30;

	/** One message taken by the sink. */
	private record Delivery(String to, long start, long end) {

		String domain() {
			return to.substring(to.indexOf('@') + 1);
		}

	}

	private final Map<String, Long> started = new ConcurrentHashMap<>();

	private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

	private final List<Long> refusedAt = new CopyOnWriteArrayList<>();

	/** Gmail's rate refusal, to the end of the content of these messages' first tries. */
	private volatile List<String> refused = List.of();

	/** As Gmail words it, over two lines. */
	private static final String UNUSUAL_RATE = "421-4.7.28 Our system has detected an unusual rate of unsolicited mail\r\n"
			+ "421 4.7.28 originating from your IP address. - gsmtp";

	@BeforeEach
	void recordingSink() {
		server.replyToRecipients((to, attempt) -> {
			started.put(to, System.nanoTime());
			return null;
		});
		server.replyToData((to, attempt) -> {
			if (attempt == 1 && refused.contains(to)) {
				refusedAt.add(System.nanoTime());
				return UNUSUAL_RATE;
			}
			if (to.endsWith("@outlook.com")) {
				try {
					Thread.sleep(OUTLOOK_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			deliveries.add(new Delivery(to, started.get(to), System.nanoTime()));
			return null;
		});
	}

	@Test
	void eachGroupKeepsItsLimitsWhileOtherDomainsGoFaster() throws Exception {
		String spec = spread("spread", 60);

		Result run = cli("run", spec);

		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+60\\s*\\n");
		assertThat(server.delivered()).hasSize(60).doesNotHaveDuplicates();
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT' AND attempt_count = 1")).isEqualTo(60);
		assertThat(count("SELECT count(*) FROM invitation_history WHERE type = 'DEFERRED'")).isZero();

		// When each began: what a provider counts, and what the limit spaces; how long
		// its content then takes varies with the machine's load.
		List<Long> gmail = starts("gmail.com");
		assertThat(gmail).hasSize(20);
		for (int i = 1; i < gmail.size(); i++) {
			// A slot is kept to the nanosecond; what the sink sees varies with the
			// scheduling of a loaded machine, by tens of milliseconds.
			assertThat(gmail.get(i) - gmail.get(i - 1)).as("gap before gmail message %d", i)
				.isGreaterThan(GOOGLE_SPACING / 2);
		}
		for (int i = 0; i < gmail.size(); i++) {
			long from = gmail.get(i);
			assertThat(gmail.stream().filter(t -> t >= from && t - from < 1_000_000_000L).count())
				.as("gmail messages begun within a second of message %d", i)
				.isLessThanOrEqualTo(11);
		}
		assertThat(span(gmail)).isGreaterThanOrEqualTo(GOOGLE_SPACING * 19 * 9 / 10);

		List<Delivery> outlook = byDomain("outlook.com");
		assertThat(outlook).hasSize(20);
		for (int i = 1; i < outlook.size(); i++) {
			assertThat(outlook.get(i).start()).as("outlook message %d began after the one before was taken", i)
				.isGreaterThanOrEqualTo(outlook.get(i - 1).end());
		}

		List<Long> others = ends("example.org");
		assertThat(others).hasSize(20);
		// Each chunk waits a little for gmail.com's and outlook.com's turns, at most the
		// destination-wait each, before the rest of them is held back for the last pass.
		assertThat(span(others)).as("example.org's span against gmail.com's").isLessThan(span(gmail) * 2 / 3);
		assertThat(others.get(others.size() - 1)).isLessThan(gmail.get(gmail.size() - 1));
	}

	@Test
	void aRateNamedByGmailSlowsGmailOnlyAndItsRefusalsAreSentLater() throws Exception {
		refused = List.of("p1@gmail.com", "p4@gmail.com");
		String spec = spread("rated", 30);

		Result run = cli("run", spec);

		// Not the pause a 421 from the mail server means otherwise: only Gmail slowed.
		assertThat(run.exitCode()).as(run.err()).isZero();
		assertThat(run.out()).containsPattern("SENT\\s+30\\s*\\n");
		assertThat(server.delivered()).hasSize(30).doesNotHaveDuplicates();
		assertThat(server.attempts("p1@gmail.com")).isEqualTo(2);
		assertThat(server.attempts("p4@gmail.com")).isEqualTo(2);
		assertThat(count("SELECT count(*) FROM invitation WHERE status = 'SENT'")).isEqualTo(30);
		assertThat(
				count("SELECT count(*) FROM invitation_history WHERE type = 'DEFERRED' AND detail LIKE '421-4.7.28%'"))
			.isEqualTo(2);

		long firstRefusal = refusedAt.stream().min(Long::compare).orElseThrow();
		// Those whose turn was given before the refusal came may still go at the old
		// pace; after them, at half of it or less.
		List<Long> after = starts("gmail.com").stream().filter(end -> end > firstRefusal).skip(2).toList();
		assertThat(after).hasSizeGreaterThanOrEqualTo(5);
		assertThat(span(after) / (after.size() - 1)).as("mean gap of gmail.com after the refusal")
			.isGreaterThan(GOOGLE_SPACING * 2 * 8 / 10);
		List<Long> others = ends("example.org");
		assertThat(others).hasSize(10);
		assertThat(span(others)).as("example.org's span against gmail.com's after the refusal")
			.isLessThan(span(after) / 2);
	}

	/**
	 * A spec over n people, p1@gmail.com, p2@outlook.com, p3@example.org, p4@gmail.com
	 * and so on.
	 */
	private String spread(String name, int n) throws Exception {
		write(name + ".csv",
				"email,first_name,last_name\n" + IntStream.rangeClosed(1, n)
					.mapToObj(i -> "p" + i + "@" + DOMAINS[(i - 1) % 3] + ",P" + i + ",Person")
					.collect(Collectors.joining("\n")));
		return spec(name, name + ".csv", 10).toString();
	}

	private List<Delivery> byDomain(String domain) {
		return deliveries.stream()
			.filter(d -> d.domain().equals(domain))
			.sorted(Comparator.comparingLong(Delivery::start))
			.toList();
	}

	private List<Long> starts(String domain) {
		return byDomain(domain).stream().map(Delivery::start).sorted().toList();
	}

	private List<Long> ends(String domain) {
		return byDomain(domain).stream().map(Delivery::end).sorted().toList();
	}

	private static long span(List<Long> times) {
		return times.get(times.size() - 1) - times.get(0);
	}

}
