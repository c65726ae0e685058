package org.invitations.expiry;

import java.time.Duration;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.InvitationStore;
import org.invitations.run.JobParameterNames;

/**
 * Forgets token hashes of invitations closed longer than the spec's
 * {@code purge-token-hashes-after} (with the links kept from their interrupted attempts),
 * and the retired hashes of the same age; deletes the per-person report rows of runs that
 * ended longer than its {@code purge-report-rows-after} ago, their totals kept. One batch
 * of each per call, in the call's transaction. Without the hash an old link is simply
 * unknown; without its rows a run still has its totals, and says its rows were purged.
 */
public class PurgeTasklet implements Tasklet {

	/** Step execution context: the token hashes are done, only report rows are left. */
	private static final String TOKENS_DONE = "purge.tokens.done";

	private final InvitationStore invitations;

	public PurgeTasklet(JdbcTemplate jdbc) {
		this.invitations = new InvitationStore(jdbc, InvitationEvents.OFF);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var step = chunkContext.getStepContext().getStepExecution();
		var parameters = step.getJobParameters();
		ExecutionContext context = step.getExecutionContext();
		int batchSize = parameters.getLong(JobParameterNames.BATCH_SIZE, 10_000L).intValue();
		Long tokenSeconds = parameters.getLong(JobParameterNames.PURGE_AFTER_SECONDS);
		boolean tokensDone = tokenSeconds == null || context.containsKey(TOKENS_DONE);
		if (!tokensDone) {
			InvitationStore.Purged purged = invitations.purge(Duration.ofSeconds(tokenSeconds), batchSize);
			contribution.incrementWriteCount(purged.invitations() + purged.retired() + purged.earlier());
			tokensDone = purged.invitations() < batchSize && purged.retired() < batchSize
					&& purged.earlier() < batchSize;
			if (tokensDone) {
				// Saved with this call's commit: a restart does not look again.
				context.putString(TOKENS_DONE, "true");
			}
		}
		Long reportSeconds = parameters.getLong(JobParameterNames.PURGE_REPORT_ROWS_AFTER_SECONDS);
		boolean reportsDone = reportSeconds == null;
		if (!reportsDone) {
			InvitationStore.ReportsPurged purged = invitations.purgeReportRows(Duration.ofSeconds(reportSeconds),
					batchSize);
			contribution.incrementWriteCount(purged.rows());
			reportsDone = purged.rows() < batchSize;
		}
		return tokensDone && reportsDone ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
	}

}
