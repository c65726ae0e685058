package org.invitations.delivery;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The share of a run's queue one execution of the deliver step sends: the invitations
 * whose id is {@code index} modulo {@code count}. Ids are handed out as selection queues,
 * so every share grows beside selection and no range has to be known in advance. The
 * claimant is the step execution: its claims are its own, so that those of a lost
 * partition can be taken back while the others go on.
 *
 * @param claimant the step execution that claims and records
 * @param index this share, from 0
 * @param count how many shares the run's queue is cut into
 */
public record Lane(long claimant, int index, int count) {

	/** Key of the share's index in the partition's execution context. */
	public static final String INDEX = "partition.index";

	/** Key of the number of shares in the partition's execution context. */
	public static final String COUNT = "partition.count";

	public Lane {
		if (count < 1 || index < 0 || index >= count) {
			throw new IllegalArgumentException("partition " + index + " of " + count);
		}
	}

	/** The share a partition's step execution was given (the whole queue if none). */
	public static Lane of(StepExecution step) {
		ExecutionContext context = step.getExecutionContext();
		return new Lane(step.getId(), context.getInt(INDEX, 0), context.getInt(COUNT, 1));
	}

	/** The execution context that gives a partition this share. */
	public static ExecutionContext context(int index, int count) {
		ExecutionContext context = new ExecutionContext();
		context.putInt(INDEX, index);
		context.putInt(COUNT, count);
		return context;
	}

	/** Whether other partitions send beside this one. */
	public boolean shared() {
		return count > 1;
	}

}
