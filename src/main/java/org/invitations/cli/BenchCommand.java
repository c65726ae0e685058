package org.invitations.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.FileSystemUtils;

import org.invitations.bench.BenchRunner;
import org.invitations.bench.StorageFigures;
import org.invitations.bench.BenchSmtpSink;
import org.invitations.bench.BenchWorkers;
import org.invitations.worker.Leases;
import org.invitations.bench.DelayedSink;
import org.invitations.smtp.MailGateway;

/**
 * {@code bench}: N synthetic people through the real invitation job to an SMTP server on
 * loopback (a built-in counting sink, or any host and port such as postfix's smtp-sink),
 * and the throughput and memory it took.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
		description = { "Benchmark: creates N synthetic people in a new group, runs the real invitation job over them",
				"against an SMTP server, checks that exactly N distinct messages were accepted, and prints",
				"invitations per second end to end and per step, peak heap and the delivery settings." })
class BenchCommand extends Subcommand implements Callable<Integer> {

	@Option(names = "--people", defaultValue = "100000", description = "synthetic people (default ${DEFAULT-VALUE})")
	long people;

	@Option(names = "--smtp-host", defaultValue = "127.0.0.1", description = "SMTP host (default ${DEFAULT-VALUE})")
	String host;

	@Option(names = "--smtp-port", defaultValue = "0",
			description = "SMTP port; 0 (default) starts a built-in counting sink on loopback")
	int port;

	@Option(names = "--sink-delay", paramLabel = "DURATION", converter = DurationConverter.class,
			description = "instead of the counting sink: a sink in this process that answers each message after"
					+ " this delay (e.g. 20ms), per connection, as a remote provider does")
	Duration sinkDelay;

	@Option(names = "--sink-connections-per-client", paramLabel = "N", defaultValue = "4",
			description = "with --sink-delay: connections it takes from one address; more get 421 (default"
					+ " ${DEFAULT-VALUE})")
	int sinkConnectionsPerClient;

	@Option(names = "--tls-cert", paramLabel = "PEM",
			description = "implicit TLS (SMTPS) to the SMTP server, trusting this certificate (or its CA) explicitly,"
					+ " host name checked; e.g. the cert.pem of smtp-reference.sh --tls-sink")
	Path tlsCertificate;

	@Option(names = "--connections", defaultValue = "4",
			description = "parallel SMTP connections (default ${DEFAULT-VALUE})")
	int connections;

	@Option(names = "--workers", paramLabel = "N", defaultValue = "0",
			description = "worker processes (JVMs of their own on this host, each with --connections connections"
					+ " from a loopback address of its own) that send the run; 0 (default): the run's own process")
	int workers;

	@Option(names = "--chunk-size", defaultValue = "500", description = "items per chunk (default ${DEFAULT-VALUE})")
	int chunkSize;

	@Option(names = "--database", paramLabel = "URL",
			description = "write the synthetic people into this database (JDBC URL); by default a new embedded"
					+ " PostgreSQL in a temporary folder, deleted afterwards")
	String database;

	@Option(names = "--existing", paramLabel = "N", defaultValue = "0",
			description = "first fill the database with N invitations of earlier runs (people, history, report"
					+ " rows; one in ten due for expiry), then run the benchmark, then time the expiry job")
	long existing;

	@Option(names = "--retention", paramLabel = "DURATION", converter = DurationConverter.class,
			description = "with --existing: the expiry job deletes the report rows of runs that ended longer ago than"
					+ " this and the history entries of invitations closed longer ago (e.g. 90d, its spec's"
					+ " purge-report-rows-after and purge-history-after), so that the bytes stored are what a"
					+ " deployment with that retention keeps")
	Duration retention;

	@Option(names = "--report-rows", paramLabel = "N", defaultValue = "0",
			description = "instead: write N synthetic report rows and time the CSV, JSON and HTML exports of them")
	long reportRows;

	/**
	 * The system properties the benchmark sets, with their values before, put back when
	 * it ends.
	 */
	private final java.util.Map<String, String> before = new java.util.HashMap<>();

	private void set(String key, String value) {
		before.putIfAbsent(key, System.getProperty(key));
		System.setProperty(key, value);
	}

	@Override
	public Integer call() throws Exception {
		try {
			return benchInItsDatabase();
		}
		finally {
			before.forEach((key, value) -> {
				if (value == null) {
					System.clearProperty(key);
				}
				else {
					System.setProperty(key, value);
				}
			});
		}
	}

	private int benchInItsDatabase() throws Exception {
		if (database != null) {
			root.overrideSpring("spring.datasource.url", database);
			out().println("database: " + database + " (given with --database); the synthetic people stay in it");
			return bench();
		}
		// N synthetic people do not belong in whatever database is configured: the
		// benchmark brings its own.
		Path folder = Files.createTempDirectory("invitations-bench-db");
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(folder.resolve("pgdata"))
			.setCleanDataDirectory(true)
			.setServerConfig("max_parallel_workers_per_gather", "0")
			.start()) {
			// As command-line arguments they outrank every configured database
			// (environment, files, arguments).
			root.overrideSpring("spring.datasource.url",
					"jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?reWriteBatchedInserts=true");
			root.overrideSpring("spring.datasource.username", "postgres");
			root.overrideSpring("spring.datasource.password", "");
			out().println("database: a new embedded PostgreSQL in " + folder + ", deleted afterwards");
			int code = bench();
			root.closeSpring();
			return code;
		}
		finally {
			FileSystemUtils.deleteRecursively(folder);
		}
	}

	private int bench() throws Exception {
		if (reportRows > 0) {
			return bean(org.invitations.bench.ReportBench.class).run(reportRows, out()) ? 0
					: InvitationsCommand.JOB_FAILED;
		}
		if (tlsCertificate != null && port == 0) {
			throw usage("--tls-cert needs --smtp-port: the built-in sink speaks plain SMTP");
		}
		if (retention != null && (existing == 0 || retention.isNegative())) {
			throw usage("--retention needs --existing N (the expiry job runs after it) and must be 0 or more");
		}
		if (sinkDelay != null && port != 0) {
			throw usage("--sink-delay starts a sink of its own: leave out --smtp-port");
		}
		if (sinkDelay != null && (sinkDelay.isNegative() || sinkConnectionsPerClient < 1)) {
			throw usage("--sink-delay must be 0 or more, --sink-connections-per-client 1 or more");
		}
		DelayedSink delayed = sinkDelay != null ? DelayedSink.start(sinkDelay, sinkConnectionsPerClient, false) : null;
		BenchSmtpSink sink = port == 0 && delayed == null ? BenchSmtpSink.start() : null;
		int smtpPort = delayed != null ? delayed.port() : sink != null ? sink.port() : port;
		// Read by Spring Boot when the context starts: the benchmark sends where it was
		// told to.
		set("spring.mail.host", delayed != null ? delayed.host() : host);
		set("spring.mail.port", Integer.toString(smtpPort));
		set("invitations.mail.connections", Integer.toString(connections));
		if (tlsCertificate != null) {
			// The way an operator trusts a server's certificate: an SSL bundle, never
			// verification switched off.
			set("spring.mail.ssl.enabled", "true");
			set("spring.mail.ssl.bundle", "bench-smtp");
			set("spring.ssl.bundle.pem.bench-smtp.truststore.certificate", "file:" + tlsCertificate.toAbsolutePath());
		}
		var out = out();
		if (delayed != null) {
			out.println("SMTP server: " + delayed.describe());
		}
		BenchRunner runner = bean(BenchRunner.class);
		BenchWorkers started = workers > 0 ? startWorkers() : null;
		try {
			return bench(runner, out, sink, delayed);
		}
		finally {
			if (started != null) {
				started.close();
			}
		}
	}

	/** Workers on the benchmark's database, sending where it sends. */
	private BenchWorkers startWorkers() throws Exception {
		var env = root.environment();
		List<String> arguments = new ArrayList<>();
		for (String key : List.of("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
				"spring.mail.host", "spring.mail.port", "invitations.mail.connections", "spring.mail.ssl.enabled",
				"spring.mail.ssl.bundle", "spring.ssl.bundle.pem.bench-smtp.truststore.certificate")) {
			String value = env.getProperty(key);
			if (value != null) {
				arguments.add("--" + key + "=" + value);
			}
		}
		Leases leases = bean(Leases.class);
		BenchWorkers started = BenchWorkers.start(workers, arguments, leases::live);
		out().printf("workers: %d, each with %d connections from an address of its own (logs in %s)%n", workers,
				connections, started.logs());
		return started;
	}

	private int bench(BenchRunner runner, java.io.PrintWriter out, BenchSmtpSink sink, DelayedSink delayed)
			throws Exception {
		long due = 0;
		if (existing > 0) {
			out.printf("filling %,d invitations of earlier runs%n", existing);
			due = runner.fillHistory(existing, out);
		}
		BenchRunner.Result result = runner.run(people, chunkSize);
		long sent = result.sent();
		out.printf("people: %d, job execution %d %s%n", people, result.execution().getId(),
				result.execution().getStatus());
		out.printf("delivery: %s, %d connections, chunk size %d, max heap %d MB%n", bean(MailGateway.class).describe(),
				connections, chunkSize, Runtime.getRuntime().maxMemory() >> 20);
		out.printf("setup (people and group, set-based): %.1fs%n", result.setup().toMillis() / 1000.0);
		out.printf("end to end: %.1fs, %.0f invitations/s%n", result.total().toMillis() / 1000.0,
				result.rate(result.total(), sent));
		out.printf("  select step:  %.1fs, %.0f items/s%n", result.select().toMillis() / 1000.0,
				result.rate(result.select(), people));
		out.printf("  deliver step: %.1fs, %.0f messages/s%n", result.deliver().toMillis() / 1000.0,
				result.rate(result.deliver(), sent));
		out.printf("peak heap: %d MB (sum of the heap pools' peaks)%n", result.peakHeapBytes() >> 20);
		if (result.applicationCpuNanos() >= 0 && sent > 0) {
			out.printf(
					"CPU per invitation, microseconds (during the job, user + system): application %.0f%s,"
							+ " PostgreSQL %s%n",
					result.applicationCpuNanos() / 1000.0 / sent,
					result.compilerCpuNanos() < 0 ? ""
							: String.format(" (of which the JIT compiler %.0f, the garbage collector %.0f)",
									result.compilerCpuNanos() / 1000.0 / sent,
									result.collectorCpuNanos() / 1000.0 / sent),
					result.postgresCpuNanos() < 0 ? "unknown"
							: String.format("%.0f", result.postgresCpuNanos() / 1000.0 / sent));
		}
		if (existing > 0) {
			BenchRunner.Expiry expired = runner.expire(due, retention);
			out.printf("expiry job: %,d of %,d due invitations expired in %.1fs, %.0f rows/s%n", expired.expired(),
					expired.due(), expired.duration().toMillis() / 1000.0, expired.rate());
			if (retention != null) {
				out.printf(
						"  retention %s: %,d report rows of %d runs and %,d history entries deleted in %.1fs,"
								+ " %.0f rows/s (then the tables compacted)%n",
						retention.toSeconds() % 86_400 == 0 ? retention.toDays() + "d" : retention.toString(),
						expired.purgedRows(), expired.purgedRuns(), expired.purgedEntries(),
						expired.purgeDuration().toMillis() / 1000.0, expired.purgeRate());
			}
		}
		StorageFigures storage = runner.storage();
		print(out, "stored", storage);
		// The run's replaced row versions and the queue it emptied are space autovacuum
		// reclaims minutes later, for the next run's rows: what a deployment keeps.
		print(out, "stored once vacuumed (VACUUM, as autovacuum does after a run)", runner.vacuumedStorage());
		boolean ok = sent == people && result.distinctSent() == people;
		out.printf("recorded SENT: %d, distinct people: %d%n", sent, result.distinctSent());
		if (sink != null) {
			ok &= sink.messages() == people && sink.distinct() == people;
			out.printf("server received: %d messages, %d distinct invitations, %d duplicates%n", sink.messages(),
					sink.distinct(), sink.duplicates());
			sink.close();
		}
		if (delayed != null) {
			ok &= delayed.accepted() == people;
			Duration span = delayed.acceptingSpan();
			out.printf(
					"server accepted: %d messages, %.1fs from the first to the last, %.0f messages/s;"
							+ " refused %d connections over the cap per address%n",
					delayed.accepted(), span.toMillis() / 1000.0,
					delayed.accepted() / Math.max(1e-9, span.toNanos() / 1e9), delayed.refusedConnections());
			delayed.close();
		}
		out.println(ok ? "OK: exactly " + people + " distinct messages" : "MISMATCH");
		return ok ? 0 : InvitationsCommand.JOB_FAILED;
	}

	private static void print(java.io.PrintWriter out, String what, StorageFigures storage) {
		out.printf(
				"%s: %,d invitations, %.0f MB in all tables: %.0f bytes per invitation (%.0f without the"
						+ " people and their groups; addresses of %.0f characters on average)%n",
				what, storage.invitations(), storage.totalBytes() / 1e6, storage.perInvitation(),
				storage.perInvitationWithoutPeople(), storage.addressLength());
		storage.tables()
			.forEach(table -> out.printf("  %-28s %,8.0f MB %6.0f bytes per invitation%n", table.name(),
					table.bytes() / 1e6, (double) table.bytes() / Math.max(1, storage.invitations())));
	}

	/** Durations as in the configuration: {@code 20ms}, {@code 1s} or ISO-8601. */
	static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

		@Override
		public Duration convert(String value) {
			return DurationStyle.detectAndParse(value);
		}

	}

}
