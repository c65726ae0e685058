package org.invitations.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.run.BatchMetadata;
import org.invitations.run.JobParameterNames;

/**
 * Every execution of every job (invitation, resend and expiry runs), newest first by key,
 * with its run's counts by outcome and, while it runs, its progress; and a run's report
 * rows by key, filtered. For the console's pages and the API.
 */
@Repository
public class RunListing {

	/** Runs whose totals are kept; the least recently viewed go first. */
	private static final int CACHED_RUNS = 2_000;

	private final JdbcTemplate jdbc;

	private final ReportQueries reports;

	private final BatchMetadata metadata;

	/**
	 * Totals of runs none of whose executions is running, by job instance, with the state
	 * of its executions they were counted at: a run's report rows change only while one
	 * of its executions runs, or when it is abandoned, which changes that state. So a run
	 * of a million rows is counted once, not on every view.
	 */
	private final Map<Long, Counted> counted = java.util.Collections
		.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, Counted> eldest) {
				return size() > CACHED_RUNS;
			}
		});

	private record Counted(String version, List<ReportQueries.OutcomeCount> totals) {
	}

	public RunListing(JdbcTemplate jdbc, ReportQueries reports, BatchMetadata metadata) {
		this.jdbc = jdbc;
		this.reports = reports;
		this.metadata = metadata;
	}

	/**
	 * A run's totals by outcome and reason, as {@link ReportQueries#summary}, counted
	 * once when it has ended.
	 */
	public List<ReportQueries.OutcomeCount> totals(long instanceId) {
		return totals(instanceId, versions(List.of(instanceId)).get(instanceId));
	}

	private List<ReportQueries.OutcomeCount> totals(long instanceId, String version) {
		Counted cached = counted.get(instanceId);
		if (cached != null && cached.version().equals(version)) {
			return cached.totals();
		}
		List<ReportQueries.OutcomeCount> totals = reports.summary(instanceId);
		if (version != null && !version.matches("(?s).*:(STARTING|STARTED|STOPPING|UNKNOWN):.*")) {
			counted.put(instanceId, new Counted(version, totals));
		}
		return totals;
	}

	/** The state of each run's executions: ids, statuses, end and update times. */
	private Map<Long, String> versions(java.util.Collection<Long> instances) {
		return metadata.executionStates(instances);
	}

	/**
	 * One execution as listed.
	 *
	 * @param parameters its job parameters by name
	 * @param outcomes its run's report rows by outcome
	 * @param done items with their final outcome so far (all but the queued ones)
	 * @param items the items its run has (0 when unknown)
	 */
	public record RunRow(long id, long instanceId, String job, String status, Instant start, Instant end,
			Map<String, String> parameters, Map<String, Long> outcomes, long done, long items) {

		public String specName() {
			return parameters.get(JobParameterNames.SPEC_NAME);
		}

		/** Items per second since it started, while it runs. */
		public double rate() {
			long seconds = start == null ? 0 : java.time.Duration.between(start, Instant.now()).toSeconds();
			return seconds <= 0 ? 0 : (double) done / seconds;
		}

		/** Seconds left at the current rate, or -1 when unknown. */
		public long etaSeconds() {
			double rate = rate();
			return rate <= 0 || items <= done ? -1 : Math.round((items - done) / rate);
		}

		public boolean dryRun() {
			return Boolean.parseBoolean(parameters.get(JobParameterNames.DRY_RUN));
		}

		public boolean resend() {
			return String.valueOf(parameters.get(JobParameterNames.SOURCE_CHECKSUM)).startsWith("resend:");
		}

		public boolean running() {
			return List.of("STARTING", "STARTED", "STOPPING").contains(status);
		}

		public long total() {
			return outcomes.values().stream().mapToLong(Long::longValue).sum();
		}

	}

	/**
	 * Executions with an id below {@code before} (all when null), newest first, at most
	 * {@code limit}.
	 */
	public List<RunRow> page(Long before, int limit) {
		List<RunRow> rows = new ArrayList<>();
		for (BatchMetadata.ExecutionRow row : metadata.executionsBefore(before, limit)) {
			rows.add(new RunRow(row.id(), row.instanceId(), row.job(), row.status(), row.start(), row.end(),
					new LinkedHashMap<>(), new LinkedHashMap<>(), 0, 0));
		}
		return complete(rows);
	}

	public RunRow one(long executionId) {
		List<RunRow> rows = page(executionId + 1, 1);
		return rows.isEmpty() || rows.get(0).id() != executionId ? null : rows.get(0);
	}

	private List<RunRow> complete(List<RunRow> rows) {
		if (rows.isEmpty()) {
			return rows;
		}
		Map<Long, RunRow> byId = new HashMap<>();
		Map<Long, List<RunRow>> byInstance = new HashMap<>();
		for (RunRow row : rows) {
			byId.put(row.id(), row);
			byInstance.computeIfAbsent(row.instanceId(), k -> new ArrayList<>()).add(row);
		}
		metadata.parameters(byId.keySet()).forEach((id, parameters) -> byId.get(id).parameters().putAll(parameters));
		Map<Long, String> versions = versions(byInstance.keySet());
		byInstance.forEach((instance, runs) -> {
			for (ReportQueries.OutcomeCount count : totals(instance, versions.get(instance))) {
				runs.forEach(row -> row.outcomes().put(count.outcome(), count.count()));
			}
		});
		return rows.stream()
			.map(row -> new RunRow(row.id(), row.instanceId(), row.job(), row.status(), row.start(), row.end(),
					row.parameters(), row.outcomes(), row.total() - row.outcomes().getOrDefault("QUEUED", 0L),
					parseLong(row.parameters().get(JobParameterNames.SOURCE_ITEMS))))
			.toList();
	}

	/**
	 * A run's report rows in input order after item {@code after}, at most {@code limit},
	 * each filter optional.
	 * @param emailPrefix the start of the address, any case
	 */
	@Transactional(readOnly = true)
	public List<ReportQueries.ReportRow> items(long instanceId, String outcome, String reason, String emailPrefix,
			long after, int limit) {
		if (outcome != null && noneOf(instanceId, outcome, reason)) {
			// Read from the totals, a few rows: a filter that matches no row would read
			// every row of the run through job_report_row, each sent one's invitation
			// with it (1.5 s for "queued" on a finished run of 1,000,000 rows).
			return List.of();
		}
		if (emailPrefix != null) {
			// Planned with the prefix each time: a plan made once for every prefix cannot
			// read the address index by it, and read the run's rows in order testing each
			// one (0.4 s for a run of 1,000,000 rows, against 3 ms), once the driver had
			// prepared the statement on the server after its fifth search.
			jdbc.execute("SET LOCAL plan_cache_mode = force_custom_plan");
		}
		List<Object> args = new ArrayList<>(List.of(instanceId, after));
		String where = "WHERE r.job_instance_id = ? AND r.item_number > ?"
				+ ReportQueries.outcomeAndReason(outcome, reason, args);
		if (emailPrefix != null) {
			// A rejected row has no normalised address (it may have none, or a duplicate
			// of another row's): it is found by the address as written, among the rows to
			// look at, through an index of those rows only (V45).
			where += " AND (r.email_normalized LIKE ? OR (r.problem IS NOT NULL AND r.email_normalized IS NULL"
					+ " AND lower(r.email_as_written) LIKE ?))";
			args.add(like(emailPrefix));
			args.add(like(emailPrefix));
		}
		args.add(limit);
		return jdbc.query(ReportQueries.ROWS + where + " ORDER BY r.item_number LIMIT ?",
				(rs, n) -> ReportQueries.row(rs), args.toArray());
	}

	/** Whether the run's totals count no row of this outcome (and reason, if given). */
	private boolean noneOf(long instanceId, String outcome, String reason) {
		Long rows = jdbc.queryForObject("""
				SELECT coalesce(sum(items), 0) FROM job_report_total
				WHERE job_instance_id = ? AND outcome = ? AND (?::text IS NULL OR reason = ?)
				""", Long.class, instanceId, outcome, reason, reason);
		return rows != null && rows == 0;
	}

	/**
	 * A LIKE pattern matching addresses that start with the text, its wildcards taken
	 * literally.
	 */
	static String like(String prefix) {
		return prefix.strip()
			.toLowerCase(java.util.Locale.ROOT)
			.replace("\\", "\\\\")
			.replace("%", "\\%")
			.replace("_", "\\_") + "%";
	}

	private static long parseLong(String text) {
		try {
			return text == null ? 0 : Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
