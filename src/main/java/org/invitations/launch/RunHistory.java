package org.invitations.launch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.BatchStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import org.invitations.events.InvitationEvents;
import org.invitations.guard.RecipientGuard;
import org.invitations.invitation.InvitationStore;
import org.invitations.run.BatchMetadata;
import org.invitations.run.JobNames;

/**
 * Finds earlier runs of a spec in the job repository (through {@link BatchMetadata}), to
 * restart an unfinished one or number the next.
 */
@Repository
public class RunHistory {

	private final JdbcTemplate jdbc;

	private final InvitationEvents events;

	private final BatchMetadata metadata;

	public RunHistory(JdbcTemplate jdbc, InvitationEvents events, BatchMetadata metadata) {
		this.jdbc = jdbc;
		this.events = events;
		this.metadata = metadata;
	}

	/**
	 * The latest execution of a spec's runs.
	 *
	 * @param parameters its job parameters by name
	 */
	public record LastExecution(long executionId, long instanceId, String status, Map<String, String> parameters) {

		public boolean isUnfinished() {
			return !List.of(BatchStatus.COMPLETED.name(), BatchStatus.ABANDONED.name()).contains(status);
		}

	}

	public LastExecution last(String specName, boolean dryRun) {
		return metadata.latestExecution(JobNames.INVITATION_RUNS, specName, dryRun)
			.map(found -> new LastExecution(found.id(), found.instanceId(), found.status(), parameters(found.id())))
			.orElse(null);
	}

	/**
	 * Where an execution stands in its run and among its spec's runs, as the job
	 * repository says.
	 *
	 * @param job the job's name
	 * @param status its status
	 * @param latestOfRun the newest execution of its run (itself unless a restart
	 * continued it)
	 * @param runEnded whether an execution of its run completed or was abandoned
	 * @param specLast the newest execution of any run of its spec, of the same kind (dry
	 * run or not)
	 * @param held whether its deliver step was held by {@code max-recipients} or a
	 * confirmed number
	 */
	public record Standing(long executionId, long instanceId, String job, String status, long latestOfRun,
			boolean runEnded, long specLast, boolean held) {

		public boolean running() {
			return List.of("STARTING", "STARTED", "STOPPING").contains(status);
		}

	}

	/** The standing of each of these executions, by id; unknown ids are left out. */
	public Map<Long, Standing> standings(java.util.Collection<Long> executionIds) {
		Map<Long, Standing> standings = new HashMap<>();
		metadata.standings(executionIds, JobNames.INVITATION_RUNS)
			.forEach((id, s) -> standings.put(id,
					new Standing(s.executionId(), s.instanceId(), s.job(), s.status(), s.latestOfRun(), s.runEnded(),
							s.specLast(), RecipientGuard.NEEDS_CONFIRMATION.equals(s.deliverExitCode()))));
		return standings;
	}

	/**
	 * How many of a run's invitations are not sent yet: queued, and claimed by an
	 * execution that may have sent them (in doubt).
	 */
	public record Unsent(long queued, long inDoubt) {
	}

	public Unsent unsent(long instanceId) {
		return jdbc.queryForObject("""
				SELECT count(*) FILTER (WHERE status = 'QUEUED'), count(*) FILTER (WHERE status = 'SENDING')
				FROM invitation WHERE delivery_instance_id = ? AND status IN ('QUEUED', 'SENDING')
				""", (rs, n) -> new Unsent(rs.getLong(1), rs.getLong(2)), instanceId);
	}

	/** An execution's job parameters by name; empty when there is no such execution. */
	public Map<String, String> parameters(long executionId) {
		return metadata.parameters(executionId);
	}

	/** The next run number for a spec name: one more than any run of it so far. */
	public long nextRun(String specName) {
		return metadata.highestRunOfSpec(specName) + 1;
	}

	/**
	 * Releases the people an abandoned run had queued, so that a new run can invite them:
	 * its claims are ended as a restart would end them, then what is left open is
	 * CANCELLED (see {@link InvitationStore#abandonRun}).
	 */
	public int cancelQueued(long instanceId, String actor) {
		return new InvitationStore(jdbc, events).abandonRun(instanceId, actor);
	}

}
