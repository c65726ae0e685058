package org.invitations.run;

import java.util.Map;
import java.util.TreeMap;

import org.springframework.batch.core.job.JobExecution;

/**
 * What an expiry run counted, as its steps keep it in their execution contexts: expired
 * invitations per spec name and reminders per outcome. The keys are part of saved
 * executions: renaming a prefix hides earlier counts.
 */
public final class ExpiryCounts {

	/** Prefix of the expire step's counts per spec name. */
	public static final String EXPIRED_PREFIX = "expired.";

	/**
	 * Prefix of the remind step's counts per outcome (SENT, FAILED, DEFERRED, SKIPPED).
	 */
	public static final String REMINDED_PREFIX = "reminded.";

	private ExpiryCounts() {
	}

	/** Expired counts per spec name, as the expire step recorded them. */
	public static Map<String, Long> expiredBySpec(JobExecution execution) {
		return counts(execution, "expire", EXPIRED_PREFIX);
	}

	/** Reminders by outcome, as the remind step recorded them. */
	public static Map<String, Long> remindedByOutcome(JobExecution execution) {
		return counts(execution, "remind", REMINDED_PREFIX);
	}

	private static Map<String, Long> counts(JobExecution execution, String stepName, String prefix) {
		Map<String, Long> counts = new TreeMap<>();
		execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals(stepName))
			.forEach(step -> step.getExecutionContext()
				.entrySet()
				.stream()
				.filter(e -> e.getKey().startsWith(prefix))
				.forEach(e -> counts.merge(e.getKey().substring(prefix.length()), ((Number) e.getValue()).longValue(),
						Long::sum)));
		return counts;
	}

}
