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
	 * CPU time so far of this JVM's JIT compiler threads and of its garbage collector's,
	 * in nanoseconds, from {@code /proc/self/task} (Linux), or -1 each without it. Part
	 * of {@link #application()}: at a million invitations, compiling is a cost a run pays
	 * once, not one per invitation, and the figure shows how much of it there is.
	 * Compiler threads the JVM stops between two readings take their time with them.
	 */
	static Overhead overhead() {
		Path tasks = Path.of("/proc/self/task");
		if (!Files.isDirectory(tasks)) {
			return new Overhead(-1, -1);
		}
		long compiler = 0;
		long collector = 0;
		try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks, "[0-9]*")) {
			for (Path thread : threads) {
				Stat stat = stat(thread.resolve("stat"));
				if (stat == null) {
					continue;
				}
				// HotSpot's thread names, cut to 15 characters by the kernel: "C1
				// CompilerThread0", "C2 CompilerThread0"; "GC Thread#0", "G1 Conc#0",
				// "G1 Refine#0", "G1 Service".
				if (stat.command().contains("CompilerThre")) {
					compiler += stat.ticks();
				}
				else if (stat.command().startsWith("GC ") || stat.command().startsWith("G1 ")) {
					collector += stat.ticks();
				}
			}
		}
		catch (IOException ex) {
			return new Overhead(-1, -1);
		}
		return new Overhead(compiler * NANOS_PER_TICK, collector * NANOS_PER_TICK);
	}

	/**
	 * @param compilerNanos the JIT compiler threads' CPU time, or -1
	 * @param collectorNanos the garbage collector threads' CPU time, or -1
	 */
	record Overhead(long compilerNanos, long collectorNanos) {

		Overhead since(Overhead before) {
			if (compilerNanos < 0 || before.compilerNanos < 0) {
				return new Overhead(-1, -1);
			}
			return new Overhead(compilerNanos - before.compilerNanos, collectorNanos - before.collectorNanos);
		}

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

	private static long postgresTicks(Path file) {
		Stat stat = stat(file);
		return stat != null && stat.command().equals("postgres") ? stat.ticks() : 0;
	}

	/** A process's or thread's command and its user and system clock ticks, or null. */
	private static Stat stat(Path file) {
		try {
			String line = Files.readString(file);
			int open = line.indexOf('(');
			int close = line.lastIndexOf(')');
			if (open < 0 || close < open) {
				return null;
			}
			// After the command: state is field 3, utime field 14 and stime field 15.
			String[] fields = line.substring(close + 2).split(" ");
			return new Stat(line.substring(open + 1, close), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
		}
		catch (IOException | RuntimeException ex) {
			// The process ended while being read.
			return null;
		}
	}

	private record Stat(String command, long ticks) {
	}

}
