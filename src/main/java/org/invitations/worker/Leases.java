package org.invitations.worker;

import java.sql.Timestamp;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The workers' leases ({@code delivery_worker}): a worker is alive while its heartbeat is
 * younger than the lease. The database's clock decides, so hosts need not agree on the
 * time.
 */
@Component
public class Leases {

	private final JdbcTemplate jdbc;

	private final WorkerProperties settings;

	public Leases(JdbcTemplate jdbc, WorkerProperties settings) {
		this.jdbc = jdbc;
		this.settings = settings;
	}

	/** A worker as its lease shows it. */
	public record Worker(String id, String host, long pid, String smtp, int connections, Timestamp startedAt,
			Timestamp heartbeatAt, boolean alive, boolean stopping) {
	}

	/**
	 * Takes a lease, or takes it again after it lapsed; forgets workers gone for a day.
	 */
	public void take(String id, String host, long pid, String smtp, int connections) {
		jdbc.update("DELETE FROM delivery_worker WHERE heartbeat_at < now() - interval '1 day'");
		jdbc.update("""
				INSERT INTO delivery_worker (id, host, pid, smtp, connections) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET heartbeat_at = now(), stopping = false
				""", id, host, pid, smtp, connections);
	}

	/**
	 * Renews the lease, unless it lapsed: a worker whose lease lapsed may have had its
	 * partition taken over, and must not send any more.
	 * @return whether the lease was still held
	 */
	public boolean renew(String id) {
		return jdbc.update("""
				UPDATE delivery_worker SET heartbeat_at = now()
				WHERE id = ? AND heartbeat_at > now() - make_interval(secs => ?)
				""", id, seconds()) == 1;
	}

	/** Says the worker takes no more partitions: it is stopping. */
	public void stopping(String id) {
		jdbc.update("UPDATE delivery_worker SET stopping = true WHERE id = ?", id);
	}

	/** Gives the lease up: the worker has stopped. */
	public void release(String id) {
		jdbc.update("DELETE FROM delivery_worker WHERE id = ?", id);
	}

	/** Workers that may take partitions now. */
	public int live() {
		Integer n = jdbc.queryForObject("""
				SELECT count(*) FROM delivery_worker
				WHERE NOT stopping AND heartbeat_at > now() - make_interval(secs => ?)
				""", Integer.class, seconds());
		return n == null ? 0 : n;
	}

	/** Whether this worker's lease lapsed (or it is gone). */
	public boolean lapsed(String id) {
		Boolean held = jdbc.query("""
				SELECT heartbeat_at > now() - make_interval(secs => ?) FROM delivery_worker WHERE id = ?
				""", rs -> rs.next() ? rs.getBoolean(1) : null, seconds(), id);
		return !Boolean.TRUE.equals(held);
	}

	/** Every worker known, alive or not, newest first. */
	public List<Worker> all() {
		return jdbc.query("""
				SELECT id, host, pid, smtp, connections, started_at, heartbeat_at,
				       heartbeat_at > now() - make_interval(secs => ?) AS alive, stopping
				FROM delivery_worker ORDER BY started_at DESC
				""",
				(rs, n) -> new Worker(rs.getString("id"), rs.getString("host"), rs.getLong("pid"), rs.getString("smtp"),
						rs.getInt("connections"), rs.getTimestamp("started_at"), rs.getTimestamp("heartbeat_at"),
						rs.getBoolean("alive"), rs.getBoolean("stopping")),
				seconds());
	}

	private double seconds() {
		return settings.lease().toMillis() / 1000.0;
	}

}
