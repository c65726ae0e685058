package org.invitations.launch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

import org.invitations.spec.SpecException;

/**
 * One run of a spec at a time, across processes: a PostgreSQL session lock on the spec's
 * name, held on a connection of its own for as long as the run lasts. PostgreSQL releases
 * it when that connection ends, so a process killed mid-run never leaves it behind. With
 * it, deciding whether to start, restart or recover and then creating the execution is
 * never raced by a second process, which lets the job repository create its records at
 * READ COMMITTED.
 */
@Component
public class SpecLock {

	// The first half of the two-part advisory lock key: keeps our locks apart from
	// anybody else's.
	private static final int NAMESPACE = 0x1A71_0001;

	private final DataSource dataSource;

	public SpecLock(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/**
	 * How long a launch waits for the lock before it refuses. A run's status says it
	 * ended a moment before its process lets the lock go (its listeners run in between),
	 * and the console offers the next step (send after a dry run, the next dry run) as
	 * soon as the status says so: an operator or a script that acts at once would be told
	 * that the spec is being run. A run that is really under way holds it for minutes.
	 */
	static final Duration WAIT = Duration.ofSeconds(2);

	/**
	 * Takes the lock, waiting at most {@link #WAIT} for it, or fails, naming the spec;
	 * close the result to let it go.
	 */
	public Held acquire(String specName) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		try {
			Connection connection = dataSource.getConnection();
			boolean locked = false;
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
				statement.setInt(1, NAMESPACE);
				statement.setString(2, specName);
				locked = tryLock(statement);
				while (!locked && System.nanoTime() < deadline) {
					Thread.sleep(50);
					locked = tryLock(statement);
				}
			}
			finally {
				if (!locked) {
					connection.close();
				}
			}
			if (!locked) {
				throw new SpecException("'" + specName + "' is being run by another process right now; wait for"
						+ " it to end (see the status command)");
			}
			return new Held(connection, specName);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("cannot lock spec '" + specName + "': " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SpecException("'" + specName + "' was not locked: interrupted while waiting for its lock");
		}
	}

	private static boolean tryLock(PreparedStatement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getBoolean(1);
		}
	}

	/** A held lock. */
	public static final class Held implements AutoCloseable {

		private final Connection connection;

		private final String specName;

		private Held(Connection connection, String specName) {
			this.connection = connection;
			this.specName = specName;
		}

		@Override
		public void close() {
			try (connection;
					PreparedStatement statement = connection
						.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
				statement.setInt(1, NAMESPACE);
				statement.setString(2, specName);
				statement.execute();
			}
			catch (SQLException ex) {
				// A pooled connection that fails here is discarded by the pool, which
				// ends the session and the lock.
			}
		}

	}

}
