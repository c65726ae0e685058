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
 * ended longer than its {@code purge-report-rows-after} ago, their totals kept; and the
 * history entries of invitations closed longer than its {@code purge-history-after} ago.
 * One batch of each per call, in the call's transaction. Without the hash an old link is
 * simply unknown; without its rows a run still has its totals, and says its rows were
 * purged; an invitation without its entries keeps its status and times.
 */
public class PurgeTasklet implements Tasklet {

	/** Step execution context: the token hashes are done. */
	private static final String TOKENS_DONE = "purge.tokens.done";

	/** Step execution context: the report rows are done. */
	private static final String REPORTS_DONE = "purge.reports.done";

	/**
	 * Step execution context: the last invitation whose history was purged, or -1 when
	 * the history is done.
	 */
	private static final String HISTORY_AFTER = "purge.history.after-id";

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
		boolean reportsDone = reportSeconds == null || context.containsKey(REPORTS_DONE);
		if (!reportsDone) {
			InvitationStore.ReportsPurged purged = invitations.purgeReportRows(Duration.ofSeconds(reportSeconds),
					batchSize);
			contribution.incrementWriteCount(purged.rows());
			reportsDone = purged.rows() < batchSize;
			if (reportsDone) {
				// While the history goes on, the runs are not looked for again.
				context.putString(REPORTS_DONE, "true");
			}
		}
		Long historySeconds = parameters.getLong(JobParameterNames.PURGE_HISTORY_AFTER_SECONDS);
		long historyAfter = context.getLong(HISTORY_AFTER, 0L);
		boolean historyDone = historySeconds == null || historyAfter < 0;
		if (!historyDone) {
			InvitationStore.HistoryPurged purged = invitations.purgeHistory(Duration.ofSeconds(historySeconds),
					historyAfter, batchSize);
			contribution.incrementWriteCount(purged.entries());
			historyDone = purged.invitations() < batchSize;
			// Saved with this call's commit: a restart goes on after it.
			context.putLong(HISTORY_AFTER, historyDone ? -1 : purged.lastId());
		}
		return tokensDone && reportsDone && historyDone ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
	}

}
