package org.invitations.operations;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

import org.invitations.invitation.ReportRows;
import org.invitations.run.JobNames;

/**
 * At the end of each invitation run: writes the summary {@code run} prints (outcomes by
 * reason over the whole run) to the log, and adds this execution's share of them to the
 * product's counters. The share is the difference from the same totals taken when the
 * execution started, so a restart never counts what an earlier execution recorded, and
 * delivery itself pays nothing for the counters.
 */
@Component
class RunSummary {

	private static final Logger log = LoggerFactory.getLogger(RunSummary.class);

	private final JdbcTemplate jdbc;

	private final Outcomes outcomes;

	private final Map<Long, Map<String, Long>> atStart = new ConcurrentHashMap<>();

	RunSummary(JdbcTemplate jdbc, Outcomes outcomes) {
		this.jdbc = jdbc;
		this.outcomes = outcomes;
	}

	void start(JobExecution execution) {
		if (isInvitationRun(execution)) {
			atStart.put(execution.getId(), totals(execution.getJobInstance().getInstanceId()));
		}
	}

	void record(JobExecution execution) {
		Map<String, Long> before = atStart.remove(execution.getId());
		if (before == null) {
			return;
		}
		Map<String, Long> now = totals(execution.getJobInstance().getInstanceId());
		// Dry runs change nothing and count for nothing.
		boolean counts = !"true".equals(execution.getJobParameters().getString("dry.run"));
		now.forEach((key, n) -> {
			if (!counts) {
				return;
			}
			String[] outcomeAndReason = key.split("\\|", 2);
			outcomes.count(outcomeAndReason[0], outcomeAndReason[1], n - before.getOrDefault(key, 0L));
		});
		Map<String, Map<String, Long>> byOutcome = new TreeMap<>();
		now.forEach((key, n) -> {
			String[] outcomeAndReason = key.split("\\|", 2);
			byOutcome.computeIfAbsent(outcomeAndReason[0], o -> new TreeMap<>())
				.merge(outcomeAndReason[1], n, Long::sum);
		});
		String summary = byOutcome.entrySet().stream().map(outcome -> {
			long total = outcome.getValue().values().stream().mapToLong(Long::longValue).sum();
			String reasons = outcome.getValue()
				.entrySet()
				.stream()
				.filter(r -> !r.getKey().isEmpty())
				.map(r -> r.getKey() + " " + r.getValue())
				.collect(Collectors.joining(", "));
			return outcome.getKey() + " " + total + (reasons.isEmpty() ? "" : " (" + reasons + ")");
		}).collect(Collectors.joining("; "));
		log.info("Run {} of '{}': execution {} {}: {}", execution.getJobParameters().getLong("run"),
				execution.getJobParameters().getString("spec.name"), execution.getId(), execution.getStatus(),
				summary.isEmpty() ? "nothing" : summary);
	}

	/** The expiry job counts its reminders as it sends them. */
	private static boolean isInvitationRun(JobExecution execution) {
		return JobNames.INVITATION_RUNS.contains(execution.getJobInstance().getJobName());
	}

	private Map<String, Long> totals(long jobInstanceId) {
		Map<String, Long> totals = new HashMap<>();
		jdbc.query(ReportRows.TOTALS,
				(RowCallbackHandler) rs -> totals.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3)),
				jobInstanceId);
		return totals;
	}

}
