package org.invitations.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears what a killed process (kill -9, power loss) leaves in the embedded database's
 * data folder, so that the next process starts cleanly: the PostgreSQL server it started,
 * which outlives it, or a stale {@code postmaster.pid}. A folder still held by a live
 * process is left alone.
 */
final class LeftoverServer {

	private static final Logger log = LoggerFactory.getLogger(LeftoverServer.class);

	/**
	 * The lock file the embedded server's library holds for as long as its process uses
	 * the folder.
	 */
	private static final String OWNER_LOCK = "epg-lock";

	private static final String POSTMASTER_PID = "postmaster.pid";

	private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(30);

	private LeftoverServer() {
	}

	/**
	 * Stops the server of a process that is gone, or removes its stale lock file; leaves
	 * a live owner's alone.
	 */
	static void clear(Path dataDirectory) throws IOException {
		Path pidFile = dataDirectory.resolve(POSTMASTER_PID);
		if (!Files.exists(pidFile) || ownerIsAlive(dataDirectory)) {
			return;
		}
		Optional<Postmaster> postmaster = read(pidFile);
		Optional<ProcessHandle> server = postmaster.flatMap(p -> ProcessHandle.of(p.pid()))
			.filter(ProcessHandle::isAlive)
			.filter(LeftoverServer::isPostgres);
		if (server.isEmpty()) {
			// Its server died with it; the pid in the file may since belong to another
			// process, which PostgreSQL
			// would take for a server still running.
			log.warn("Removing the stale {} that a process which ended left in {}", POSTMASTER_PID, dataDirectory);
			Files.deleteIfExists(pidFile);
			return;
		}
		log.warn("The PostgreSQL server (pid {}, port {}) of a process that ended is still running on {}: stopping it",
				server.get().pid(), postmaster.get().port(), dataDirectory);
		// SIGTERM: PostgreSQL's smart shutdown, which the dead process's connections,
		// closed by now, do not hold up.
		server.get().destroy();
		try {
			server.get().onExit().get(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			throw new IllegalStateException("the PostgreSQL server (pid " + server.get().pid() + ") left running on "
					+ dataDirectory + " by a process that ended did not stop within " + SHUTDOWN_WAIT.toSeconds()
					+ "s; stop it (pg_ctl stop -D " + dataDirectory + ") and run again", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while stopping a leftover PostgreSQL server", ex);
		}
	}

	/**
	 * The port of the server another process runs on this folder, once it answers; waits
	 * while it is starting.
	 * @return the port, or -1 if none answered in time
	 */
	static int awaitPort(Path dataDirectory, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (true) {
			Optional<Postmaster> postmaster = read(dataDirectory.resolve(POSTMASTER_PID));
			if (postmaster.isPresent() && answers(postmaster.get().port())) {
				return postmaster.get().port();
			}
			if (System.nanoTime() > deadline) {
				return -1;
			}
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return -1;
			}
		}
	}

	/**
	 * Whether a live process holds the folder's owner lock (which the system releases
	 * when a process dies).
	 */
	private static boolean ownerIsAlive(Path dataDirectory) throws IOException {
		try (FileChannel channel = FileChannel.open(dataDirectory.resolve(OWNER_LOCK), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE)) {
			FileLock lock = channel.tryLock();
			if (lock == null) {
				return true;
			}
			lock.release();
			return false;
		}
		catch (OverlappingFileLockException ex) {
			// This very process holds it.
			return true;
		}
	}

	private static boolean isPostgres(ProcessHandle process) {
		return process.info().command().map(command -> command.contains("postgres")).orElse(true);
	}

	private static boolean answers(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("localhost", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The first lines of {@code postmaster.pid}: the server's pid, its data folder, start
	 * time and port.
	 */
	private static Optional<Postmaster> read(Path pidFile) {
		try {
			List<String> lines = Files.readAllLines(pidFile);
			return lines.size() > 3 ? Optional
				.of(new Postmaster(Long.parseLong(lines.get(0).strip()), Integer.parseInt(lines.get(3).strip())))
					: Optional.empty();
		}
		catch (NoSuchFileException | NumberFormatException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private record Postmaster(long pid, int port) {
	}

}
