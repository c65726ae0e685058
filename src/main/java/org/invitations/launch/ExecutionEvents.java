package org.invitations.launch;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import org.invitations.run.BatchMetadata;

/**
 * The history of what people did to a job execution (launched, stopped, restarted,
 * abandoned) and who did it.
 */
@Repository
public class ExecutionEvents {

	private final JdbcTemplate jdbc;

	public ExecutionEvents(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** One entry of an execution's history. */
	public record Event(long executionId, Instant at, String type, String actor, String detail) {
	}

	public void record(long executionId, String type, String actor, String detail) {
		jdbc.update("INSERT INTO execution_event (job_execution_id, type, actor, detail) VALUES (?, ?, ?, ?)",
				executionId, type, actor, detail);
	}

	/**
	 * The history of every execution of the run (job instance) the given execution
	 * belongs to, in order.
	 */
	public List<Event> ofRun(long executionId) {
		return jdbc.query(
				"""
						SELECT v.job_execution_id, v.at, v.type, v.actor, v.detail FROM execution_event v
						WHERE v.job_execution_id IN (%s)
						ORDER BY v.id
						""".formatted(BatchMetadata.executionsOfRunOf("?")), (rs, n) -> new Event(rs.getLong(1),
						rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5)),
				executionId);
	}

}
