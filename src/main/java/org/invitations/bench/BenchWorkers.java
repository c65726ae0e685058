package org.invitations.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Worker processes for the benchmark: JVMs of their own on this host, on the benchmark's
 * database, each sending from a loopback address of its own (127.0.0.11, .12, …) so that
 * a sink's cap per address holds for each as it would for hosts of their own.
 */
public final class BenchWorkers implements AutoCloseable {

	private final List<Process> processes = new ArrayList<>();

	private final Path logs;

	private BenchWorkers(Path logs) {
		this.logs = logs;
	}

	/**
	 * Starts {@code count} workers with these Spring arguments each (database, mail
	 * server, connections) and waits until all hold a lease.
	 * @param live how many workers hold a lease now
	 */
	public static BenchWorkers start(int count, List<String> springArguments, IntSupplier live)
			throws IOException, InterruptedException {
		BenchWorkers workers = new BenchWorkers(Files.createTempDirectory("invitations-bench-workers"));
		try {
			for (int i = 0; i < count; i++) {
				List<String> command = new ArrayList<>(java());
				command.add("worker");
				command.addAll(springArguments);
				command.add("--spring.mail.properties.mail.smtp.localaddress=127.0.0." + (11 + i));
				Path log = workers.logs.resolve("worker-" + (i + 1) + ".log");
				workers.processes
					.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
			}
			long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
			while (live.getAsInt() < count) {
				if (System.nanoTime() > deadline || workers.processes.stream().anyMatch(p -> !p.isAlive())) {
					throw new IllegalStateException("the workers did not all start; their logs are in " + workers.logs);
				}
				Thread.sleep(200);
			}
			return workers;
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			workers.close();
			throw ex;
		}
	}

	/** The same application, as this process was started: from its jar or its classes. */
	private static List<String> java() {
		String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classPath = System.getProperty("java.class.path");
		if (classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)) {
			return List.of(launcher, "-Xmx256m", "-jar", classPath);
		}
		return List.of(launcher, "-Xmx256m", "-cp", classPath, "org.invitations.InvitationsApplication");
	}

	public Path logs() {
		return logs;
	}

	/** Stops the workers as an operator would: SIGTERM, then waits. */
	@Override
	public void close() {
		processes.forEach(Process::destroy);
		for (Process process : processes) {
			try {
				if (!process.waitFor(30, TimeUnit.SECONDS)) {
					process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				process.destroyForcibly();
			}
		}
	}

}
