package org.invitations.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import org.invitations.bench.BenchRunner;
import org.invitations.bench.BenchSmtpSink;

/**
 * {@code bench}: N synthetic people through the real invitation job to an SMTP server on loopback (a built-in
 * counting sink, or any host and port such as postfix's smtp-sink), and the throughput and memory it took.
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

	@Option(names = "--connections", defaultValue = "4", description = "parallel SMTP connections (default ${DEFAULT-VALUE})")
	int connections;

	@Option(names = "--chunk-size", defaultValue = "500", description = "items per chunk (default ${DEFAULT-VALUE})")
	int chunkSize;

	@Override
	public Integer call() throws Exception {
		BenchSmtpSink sink = port == 0 ? BenchSmtpSink.start() : null;
		int smtpPort = sink != null ? sink.port() : port;
		// Read by Spring Boot when the context starts: the benchmark sends where it was told to.
		System.setProperty("spring.mail.host", host);
		System.setProperty("spring.mail.port", Integer.toString(smtpPort));
		System.setProperty("invitations.mail.connections", Integer.toString(connections));
		BenchRunner.Result result = bean(BenchRunner.class).run(people, chunkSize);
		var out = out();
		long sent = result.sent();
		out.printf("people: %d, job execution %d %s%n", people, result.execution().getId(), result.execution().getStatus());
		out.printf("delivery: %s, %d connections, chunk size %d, max heap %d MB%n",
				bean(org.invitations.delivery.MailGateway.class).describe(), connections, chunkSize,
				Runtime.getRuntime().maxMemory() >> 20);
		out.printf("setup (people and group, set-based): %.1fs%n", result.setup().toMillis() / 1000.0);
		out.printf("end to end: %.1fs, %.0f invitations/s%n", result.total().toMillis() / 1000.0,
				result.rate(result.total(), sent));
		out.printf("  select step:  %.1fs, %.0f items/s%n", result.select().toMillis() / 1000.0,
				result.rate(result.select(), people));
		out.printf("  deliver step: %.1fs, %.0f messages/s%n", result.deliver().toMillis() / 1000.0,
				result.rate(result.deliver(), sent));
		out.printf("peak heap: %d MB (sum of the heap pools' peaks)%n", result.peakHeapBytes() >> 20);
		boolean ok = sent == people && result.distinctSent() == people;
		out.printf("recorded SENT: %d, distinct people: %d%n", sent, result.distinctSent());
		if (sink != null) {
			ok &= sink.messages() == people && sink.distinct() == people;
			out.printf("server received: %d messages, %d distinct invitations, %d duplicates%n", sink.messages(),
					sink.distinct(), sink.duplicates());
			sink.close();
		}
		out.println(ok ? "OK: exactly " + people + " distinct messages" : "MISMATCH");
		return ok ? 0 : InvitationsCommand.JOB_FAILED;
	}

}
