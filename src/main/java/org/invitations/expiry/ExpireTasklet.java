package org.invitations.expiry;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.invitation.InvitationStore;

import org.invitations.run.ExpiryCounts;
import org.invitations.run.JobParameterNames;

/**
 * Records one batch of expired invitations per call, in one statement
 * ({@link InvitationStore#expireDue}): the invitations that expired since the last batch,
 * oldest expiry first, get their EXPIRED history entry and event, counted per spec; the
 * rows are not rewritten (V44). Spring Batch commits each call with the counts in the
 * step's context, and calls again until a batch is empty.
 */
public class ExpireTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(ExpireTasklet.class);

	/** Prefix of the per-spec counts in the step's execution context. */
	static final String COUNT_PREFIX = ExpiryCounts.EXPIRED_PREFIX;

	private final InvitationStore invitations;

	public ExpireTasklet(JdbcTemplate jdbc, InvitationEvents events) {
		this.invitations = new InvitationStore(jdbc, events);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		var parameters = chunkContext.getStepContext().getStepExecution().getJobParameters();
		int batchSize = parameters.getLong(JobParameterNames.BATCH_SIZE, 10_000L).intValue();
		String actor = "job:" + parameters.getString(JobParameterNames.SPEC_NAME) + "#"
				+ chunkContext.getStepContext().getStepExecution().getJobExecutionId();
		Map<String, Long> bySpec = invitations.expireDue(batchSize, actor);
		long total = bySpec.values().stream().mapToLong(Long::longValue).sum();
		contribution.incrementWriteCount(total);
		ExecutionContext context = chunkContext.getStepContext().getStepExecution().getExecutionContext();
		bySpec.forEach((spec, n) -> context.putLong(COUNT_PREFIX + spec, context.getLong(COUNT_PREFIX + spec, 0L) + n));
		if (total > 0) {
			log.info("expired {} invitations ({} so far)", total,
					chunkContext.getStepContext().getStepExecution().getWriteCount() + total);
		}
		return total < batchSize ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
	}

}
