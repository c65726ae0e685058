package org.invitations.expiry;

import java.time.Duration;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.InvitationStore;
import org.invitations.run.JobParameterNames;

/**
 * Forgets token hashes of invitations closed longer than the spec's
 * {@code purge-token-hashes-after} (with the links kept from their interrupted attempts),
 * and the retired hashes of the same age, one batch per call. Without the hash an old
 * link is simply unknown.
 */
public class PurgeTasklet implements Tasklet {

	private final InvitationStore invitations;

	public PurgeTasklet(JdbcTemplate jdbc) {
		this.invitations = new InvitationStore(jdbc, InvitationEvents.OFF);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var parameters = chunkContext.getStepContext().getStepExecution().getJobParameters();
		Long seconds = parameters.getLong(JobParameterNames.PURGE_AFTER_SECONDS);
		if (seconds == null) {
			return RepeatStatus.FINISHED;
		}
		int batchSize = parameters.getLong(JobParameterNames.BATCH_SIZE, 10_000L).intValue();
		InvitationStore.Purged purged = invitations.purge(Duration.ofSeconds(seconds), batchSize);
		contribution.incrementWriteCount(purged.invitations() + purged.retired() + purged.earlier());
		return purged.invitations() < batchSize && purged.retired() < batchSize && purged.earlier() < batchSize
				? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
	}

}
