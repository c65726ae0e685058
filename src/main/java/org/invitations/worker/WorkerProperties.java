package org.invitations.worker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import org.invitations.support.InvalidSettingException;

/**
 * How workers share runs.
 *
 * @param lease how long a worker counts as alive after its last heartbeat (it beats five
 * times in that time); once it lapses, its partition is taken over by another worker and
 * the lapsed worker stops sending
 * @param partitionsPerWorker a run's queue is cut into this many partitions per live
 * worker when its deliver step starts: more partitions balance better, and a lost worker
 * costs only its own
 * @param poll how often an idle worker looks for a partition, and the manager for its
 * partitions' progress
 * @param enabled whether {@code serve} runs a worker beside its console
 */
@ConfigurationProperties("invitations.workers")
public record WorkerProperties(@DefaultValue("15s") Duration lease, @DefaultValue("4") int partitionsPerWorker,
		@DefaultValue("500ms") Duration poll, @DefaultValue("false") boolean enabled) {

	public WorkerProperties {
		if (lease.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidSettingException(
					"invitations.workers.lease must be at least 1s, not " + lease.toMillis() + "ms");
		}
		if (partitionsPerWorker < 1) {
			throw new InvalidSettingException(
					"invitations.workers.partitions-per-worker must be at least 1, not " + partitionsPerWorker);
		}
	}

	/** How often a worker beats: five times per lease. */
	public Duration heartbeat() {
		return lease.dividedBy(5);
	}

}
