package org.invitations.cli;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench command's delayed sink options, as an operator writes them. */
class BenchOptionsTest {

	@Test
	void theSinkDelayIsWrittenAsInTheConfiguration() {
		BenchCommand bench = new BenchCommand();

		new CommandLine(bench).parseArgs("--sink-delay", "20ms", "--sink-connections-per-client", "2");

		assertThat(bench.sinkDelay).isEqualTo(Duration.ofMillis(20));
		assertThat(bench.sinkConnectionsPerClient).isEqualTo(2);
	}

	@Test
	void withoutASinkDelayTheCountingSinkStays() {
		BenchCommand bench = new BenchCommand();

		new CommandLine(bench).parseArgs();

		assertThat(bench.sinkDelay).isNull();
		assertThat(bench.sinkConnectionsPerClient).isEqualTo(4);
	}

}
