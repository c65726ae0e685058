package org.invitations.worker;

import java.util.Collection;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.PartitionStep;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.partition.StepExecutionAggregator;
import org.springframework.batch.core.partition.support.DefaultStepExecutionAggregator;
import org.springframework.batch.core.partition.support.SimpleStepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;

/**
 * The deliver step as a partition step that ends as its partitions did: a failed
 * partition fails it with that partition's own exit status and description, and adds no
 * failure of its own. Spring Batch's {@link PartitionStep} throws "Partition handler
 * returned an unsuccessful step" besides, which an operator would read as a second error
 * of the run.
 */
public final class PartitionedDelivery extends PartitionStep {

	private final StepExecutionAggregator aggregator = new DefaultStepExecutionAggregator();

	public PartitionedDelivery(String name, JobRepository jobRepository, Partitioner partitioner,
			PartitionHandler handler) throws Exception {
		super(jobRepository);
		setName(name);
		setPartitionHandler(handler);
		setStepExecutionSplitter(new SimpleStepExecutionSplitter(jobRepository, name, partitioner));
		setStepExecutionAggregator(aggregator);
		afterPropertiesSet();
	}

	@Override
	protected void doExecute(StepExecution stepExecution) throws Exception {
		stepExecution.getExecutionContext().put(Step.STEP_TYPE_KEY, getClass().getName());
		// The partitions as they ended: read again by the handler while it waited for
		// them.
		Collection<StepExecution> partitions = getPartitionHandler().handle(getStepExecutionSplitter(), stepExecution);
		stepExecution.upgradeStatus(BatchStatus.COMPLETED);
		aggregator.aggregate(stepExecution, partitions);
	}

}
