package org.invitations.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The heap's peak use over a measured stretch, as both benchmarks print it: the sum of
 * the heap pools' peaks.
 */
final class HeapPeaks {

	private HeapPeaks() {
	}

	/**
	 * Starts a stretch: collects first, so that what the set-up left behind is not
	 * counted.
	 */
	static void reset() {
		System.gc();
		ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
	}

	/** Bytes: the sum of the heap pools' peaks since the last {@link #reset()}. */
	static long peak() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter(pool -> pool.getType() == MemoryType.HEAP)
			.mapToLong(pool -> pool.getPeakUsage().getUsed())
			.sum();
	}

}
