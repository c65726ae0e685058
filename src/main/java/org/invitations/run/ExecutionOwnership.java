package org.invitations.run;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Records which process runs each job execution and keeps a heartbeat, so that a later
 * run can tell an execution whose process died (kill -9, power loss) from one still
 * running before it recovers it.
 */
@Component
public class ExecutionOwnership implements JobExecutionListener {

	private static final Logger log = LoggerFactory.getLogger(ExecutionOwnership.class);

	static final Duration HEARTBEAT = Duration.ofSeconds(10);

	/** An owner on another host is presumed dead after this long without a heartbeat. */
	static final Duration PRESUMED_DEAD = HEARTBEAT.multipliedBy(6);

	private final JdbcTemplate jdbc;

	private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(runnable -> {
		Thread thread = new Thread(runnable, "execution-heartbeat");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<Long, ScheduledFuture<?>> beating = new ConcurrentHashMap<>();

	/**
	 * The executions this process is running, as their jobs hold them: a stop asked for
	 * here goes to these.
	 */
	private final Map<Long, JobExecution> running = new ConcurrentHashMap<>();

	public ExecutionOwnership(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		running.put(execution.getId(), execution);
		ProcessHandle self = ProcessHandle.current();
		jdbc.update("""
				INSERT INTO execution_owner (job_execution_id, host, pid, process_started) VALUES (?, ?, ?, ?)
				ON CONFLICT (job_execution_id) DO UPDATE SET host = excluded.host, pid = excluded.pid,
				       process_started = excluded.process_started, heartbeat_at = now(), ended_at = NULL
				""", execution.getId(), host(), self.pid(),
				self.info().startInstant().map(Timestamp::from).orElse(null));
		beating.put(execution.getId(), heartbeats.scheduleAtFixedRate(() -> beat(execution.getId()),
				HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS));
	}

	@Override
	public void afterJob(JobExecution execution) {
		running.remove(execution.getId());
		ScheduledFuture<?> beat = beating.remove(execution.getId());
		if (beat != null) {
			beat.cancel(false);
		}
		if (execution.getStatus() == BatchStatus.UNKNOWN) {
			// The database went away as a commit ended: the run that recovers this
			// execution is told which process ended it, and when.
			jdbc.update("UPDATE execution_owner SET ended_at = now() WHERE job_execution_id = ?", execution.getId());
		}
		else {
			jdbc.update("DELETE FROM execution_owner WHERE job_execution_id = ?", execution.getId());
		}
	}

	/** Forgets who ran an execution that was recovered: no process runs it any more. */
	public void forget(long executionId) {
		jdbc.update("DELETE FROM execution_owner WHERE job_execution_id = ?", executionId);
	}

	private void beat(long executionId) {
		try {
			jdbc.update("UPDATE execution_owner SET heartbeat_at = now() WHERE job_execution_id = ?", executionId);
		}
		catch (RuntimeException ex) {
			log.warn("Heartbeat of execution {} failed: {}", executionId, ex.getMessage());
		}
	}

	/** The job executions under way in this process. */
	public List<JobExecution> runningHere() {
		return List.copyOf(running.values());
	}

	/**
	 * Why the execution's process is known to be gone, or empty while it may still be
	 * running.
	 */
	public Optional<String> goneBecause(long executionId) {
		List<Map<String, Object>> owners = jdbc.queryForList("""
				SELECT host, pid, process_started, heartbeat_at, ended_at,
				       now() - heartbeat_at > make_interval(secs => ?) AS silent
				FROM execution_owner WHERE job_execution_id = ?
				""", (double) PRESUMED_DEAD.toSeconds(), executionId);
		if (owners.isEmpty()) {
			// Its process deleted the row as it ended the execution (and then could not
			// record how), or never wrote one.
			return Optional.of("no process is recorded as running it");
		}
		Map<String, Object> owner = owners.get(0);
		long pid = ((Number) owner.get("pid")).longValue();
		String where = host().equals(owner.get("host")) ? "this host" : String.valueOf(owner.get("host"));
		if (owner.get("ended_at") instanceof Timestamp ended) {
			return Optional.of("its process " + pid + " on " + where + " ended it at "
					+ ended.toInstant().truncatedTo(ChronoUnit.SECONDS)
					+ " without knowing whether its last commit went through (the database went away)");
		}
		if (host().equals(owner.get("host"))) {
			if (pid == ProcessHandle.current().pid()) {
				// This process: a long-running one (serve) that lost the database while
				// ending the execution left its owner row behind.
				return running.containsKey(executionId) ? Optional.empty()
						: Optional.of("this process is no longer running it");
			}
			@Nullable Instant started = owner.get("process_started") instanceof Timestamp t ? t.toInstant() : null;
			Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
			boolean same = process.isPresent() && (started == null || process.get()
				.info()
				.startInstant()
				.map(s -> Math.abs(Duration.between(s, started).toMillis()) < 2000)
				.orElse(true));
			return same ? Optional.empty() : Optional.of("its process " + pid + " on this host is gone");
		}
		return Boolean.TRUE.equals(owner.get("silent"))
				? Optional.of("no heartbeat from " + owner.get("host") + " since " + owner.get("heartbeat_at"))
				: Optional.empty();
	}

	/** This host's name, as the owners of executions and the workers are named. */
	public static String host() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
