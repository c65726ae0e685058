package org.invitations.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used so far, for the benchmark's "µs per invitation": this JVM's (user and
 * system, from the JDK), and PostgreSQL's, summed over the machine's {@code postgres}
 * processes from {@code /proc} (Linux; the clock ticks are USER_HZ, 100 per second on
 * every Linux the JDK runs on). Back ends that exit between two readings take their time
 * with them, so the figure is a floor; the benchmark's connections stay open throughout.
 */
final class CpuTime {

	private static final long NANOS_PER_TICK = 10_000_000L;

	private CpuTime() {
	}

	/** This process's CPU time in nanoseconds, or -1 where the JDK does not say. */
	static long application() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	/**
	 * The CPU time of every {@code postgres} process in nanoseconds, or -1 without /proc.
	 */
	static long postgres() {
		Path proc = Path.of("/proc");
		if (!Files.isDirectory(proc)) {
			return -1;
		}
		long ticks = 0;
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, "[0-9]*")) {
			for (Path process : processes) {
				ticks += postgresTicks(process.resolve("stat"));
			}
		}
		catch (IOException ex) {
			return -1;
		}
		return ticks * NANOS_PER_TICK;
	}

	private static long postgresTicks(Path stat) {
		try {
			String line = Files.readString(stat);
			int open = line.indexOf('(');
			int close = line.lastIndexOf(')');
			if (open < 0 || close < open || !line.substring(open + 1, close).equals("postgres")) {
				return 0;
			}
			// After the command: state is field 3, utime field 14 and stime field 15.
			String[] fields = line.substring(close + 2).split(" ");
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			// The process ended while being read.
			return 0;
		}
	}

}
