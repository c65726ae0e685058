package org.invitations.worker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import org.invitations.delivery.Lane;

/**
 * Cuts a run's queue into {@code gridSize} shares by invitation id modulo the size (see
 * {@link Lane}); the names are the same on a restart, which keeps the size.
 */
public final class DeliveryPartitioner implements Partitioner {

	@Override
	public Map<String, ExecutionContext> partition(int gridSize) {
		Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
		for (int i = 0; i < gridSize; i++) {
			partitions.put("partition" + i, Lane.context(i, gridSize));
		}
		return partitions;
	}

}
