package org.invitations.expiry;

import java.time.Duration;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.run.JobParameterNames;

/**
 * Forgets token hashes of invitations closed longer than the spec's {@code purge-token-hashes-after} (with the
 * links kept from their interrupted attempts), and the retired hashes of the same age, one batch per call. Without the hash an old link is simply unknown.
 */
public class PurgeTasklet implements Tasklet {

	private final JdbcTemplate jdbc;

	public PurgeTasklet(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var parameters = chunkContext.getStepContext().getStepExecution().getJobParameters();
		Long seconds = parameters.getLong(JobParameterNames.PURGE_AFTER_SECONDS);
		if (seconds == null) {
			return RepeatStatus.FINISHED;
		}
		int batchSize = parameters.getLong(JobParameterNames.BATCH_SIZE, 10_000L).intValue();
		double age = Duration.ofSeconds(seconds).toSeconds();
		int purged = jdbc.update("""
				UPDATE invitation SET token_hash = NULL WHERE id IN (
				    SELECT id FROM invitation WHERE token_hash IS NOT NULL AND closed_at IS NOT NULL
				    AND closed_at < now() - make_interval(secs => ?) LIMIT ? FOR UPDATE SKIP LOCKED)
				""", age, batchSize);
		int retired = jdbc.update("""
				DELETE FROM retired_token WHERE token_hash IN (
				    SELECT token_hash FROM retired_token WHERE retired_at < now() - make_interval(secs => ?) LIMIT ?)
				""", age, batchSize);
		// The links kept from interrupted attempts go with the invitation's own.
		int earlier = jdbc.update("""
				DELETE FROM earlier_token WHERE token_hash IN (
				    SELECT e.token_hash FROM earlier_token e JOIN invitation i ON i.id = e.invitation_id
				    WHERE i.closed_at < now() - make_interval(secs => ?) LIMIT ?)
				""", age, batchSize);
		contribution.incrementWriteCount(purged + retired + earlier);
		return purged < batchSize && retired < batchSize && earlier < batchSize ? RepeatStatus.FINISHED
				: RepeatStatus.CONTINUABLE;
	}

}
