package org.invitations.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import org.invitations.run.BatchMetadata;

/**
 * Which scheduled date of which spec has run, and with which job execution (table
 * {@code scheduled_run}): a date whose run completed is not run again, one whose run
 * failed or stopped is restarted by the next trigger.
 */
@Component
class ScheduledRuns {

	/** What a scheduled date's run came to. */
	enum State {

		/** Never started. */
		NONE,

		/** Completed: the date is done. */
		DONE,

		/**
		 * Not completed: failed, stopped, paused, held, or still running (in this process
		 * or another, or in one that died): the next trigger of the date launches it
		 * again, and the launcher restarts it, recovers it or says it is still running,
		 * as for {@code run}.
		 */
		UNFINISHED

	}

	private final JdbcTemplate jdbc;

	ScheduledRuns(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	State state(String key, LocalDate date) {
		List<String> status = jdbc.queryForList("""
				SELECT coalesce(%s, 'UNKNOWN') FROM scheduled_run r
				WHERE r.spec_key = ? AND r.scheduled_date = ?
				""".formatted(BatchMetadata.statusOfExecution("r.job_execution_id")), String.class, key, date);
		if (status.isEmpty()) {
			return State.NONE;
		}
		return status.get(0).equals("COMPLETED") ? State.DONE : State.UNFINISHED;
	}

	/**
	 * Notes that the date's run is starting, before the launch, so that a second trigger
	 * sees it.
	 */
	void starting(String key, LocalDate date, Instant scheduledFor) {
		jdbc.update("""
				INSERT INTO scheduled_run (spec_key, scheduled_date, scheduled_for) VALUES (?, ?, ?)
				ON CONFLICT (spec_key, scheduled_date) DO UPDATE SET job_execution_id = NULL, started_at = now()
				""", key, date, java.sql.Timestamp.from(scheduledFor));
	}

	void started(String key, LocalDate date, Long jobExecutionId) {
		jdbc.update("UPDATE scheduled_run SET job_execution_id = ? WHERE spec_key = ? AND scheduled_date = ?",
				jobExecutionId, key, date);
	}

	/**
	 * Gives a date back when its launch was refused before any execution existed (a spec
	 * error, a lock held).
	 */
	void refused(String key, LocalDate date) {
		jdbc.update("DELETE FROM scheduled_run WHERE spec_key = ? AND scheduled_date = ? AND job_execution_id IS NULL",
				key, date);
	}

	/**
	 * The newest scheduled date that ran, or {@code null} when the spec never ran by
	 * schedule.
	 */
	LocalDate lastDate(String key) {
		return jdbc.queryForObject("SELECT max(scheduled_date) FROM scheduled_run WHERE spec_key = ?", LocalDate.class,
				key);
	}

}
