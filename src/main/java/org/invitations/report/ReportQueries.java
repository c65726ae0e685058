package org.invitations.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import org.invitations.invitation.ReportOutcome;
import org.invitations.invitation.ReportRows;
import org.invitations.run.BatchMetadata;
import org.invitations.run.JobParameterNames;

/**
 * Read side of job reports and executions, for the {@code status} and {@code report}
 * commands.
 */
@Repository
public class ReportQueries {

	private final JdbcTemplate jdbc;

	private final JdbcTemplate streaming;

	private final BatchMetadata metadata;

	public ReportQueries(JdbcTemplate jdbc, BatchMetadata metadata) {
		this.jdbc = jdbc;
		this.metadata = metadata;
		// PostgreSQL streams a result with a fetch size only inside a transaction: see
		// items().
		this.streaming = new JdbcTemplate(jdbc.getDataSource());
		this.streaming.setFetchSize(1000);
	}

	/**
	 * One job execution with its run's identity.
	 *
	 * @param parameters job parameters by name
	 */
	public record Execution(long id, long instanceId, String job, String status, String exitMessage, Instant start,
			Instant end, Map<String, String> parameters) {

		public String specName() {
			return parameters.get(JobParameterNames.SPEC_NAME);
		}

		public String run() {
			return parameters.get(JobParameterNames.RUN);
		}

		public boolean dryRun() {
			return Boolean.parseBoolean(parameters.get(JobParameterNames.DRY_RUN));
		}

	}

	/** Counts of one outcome, with the count of each reason. */
	public record OutcomeCount(String outcome, long count, Map<String, Long> reasons) {
	}

	/** Step counters as the job repository recorded them. */
	public record StepCounts(String name, String status, long read, long write, long filter, long commit,
			long rollback) {
	}

	/**
	 * How a stored selection of people was made, in a few words: {@code selection 17 by
	 * console:alice, 3 people ticked}.
	 */
	public String selection(long id) {
		List<String> found = jdbc.query(
				"SELECT 'selection ' || id || ' by ' || created_by || ', ' || description FROM person_selection WHERE id = ?",
				(rs, n) -> rs.getString(1), id);
		return found.isEmpty() ? "selection " + id : found.get(0);
	}

	public Execution execution(long id) {
		return metadata.execution(id).map(row -> executions(List.of(row)).get(0)).orElse(null);
	}

	public List<Execution> recent(int limit) {
		return executions(metadata.executionsBefore(null, limit));
	}

	private List<Execution> executions(List<BatchMetadata.ExecutionRow> rows) {
		Map<Long, Map<String, String>> parameters = metadata
			.parameters(rows.stream().map(BatchMetadata.ExecutionRow::id).toList());
		return rows.stream()
			.map(row -> new Execution(row.id(), row.instanceId(), row.job(), row.status(), row.exitMessage(),
					row.start(), row.end(), parameters.getOrDefault(row.id(), new LinkedHashMap<>())))
			.toList();
	}

	public List<StepCounts> steps(long executionId) {
		return metadata.steps(executionId)
			.stream()
			.map(step -> new StepCounts(step.name(), step.status(), step.read(), step.write(), step.filter(),
					step.commit(), step.rollback()))
			.toList();
	}

	/** Outcome counts of a run (all its executions), in a fixed order. */
	public List<OutcomeCount> summary(long instanceId) {
		Map<String, OutcomeCount> byOutcome = new LinkedHashMap<>();
		for (String outcome : ReportOutcome.dbValues()) {
			byOutcome.put(outcome, new OutcomeCount(outcome, 0, new LinkedHashMap<>()));
		}
		jdbc.query(ReportRows.TOTALS, (RowCallbackHandler) rs -> {
			OutcomeCount current = byOutcome.get(rs.getString(1));
			long count = rs.getLong(3);
			if (!rs.getString(2).isEmpty()) {
				current.reasons().put(rs.getString(2), count);
			}
			byOutcome.put(current.outcome(),
					new OutcomeCount(current.outcome(), current.count() + count, current.reasons()));
		}, instanceId);
		List<OutcomeCount> result = new ArrayList<>();
		byOutcome.values().stream().filter(c -> c.count() > 0).forEach(result::add);
		return result;
	}

	/**
	 * Whether the run's per-person rows were purged by the retention of the expiry job,
	 * or {@code null} when they are kept.
	 */
	public @Nullable RowsPurged purged(long instanceId) {
		return jdbc
			.query("""
					SELECT purged_at, extract(epoch FROM kept_for)::bigint, rows_purged FROM job_report_purge
					WHERE job_instance_id = ?
					""",
					(rs, n) -> new RowsPurged(rs.getTimestamp(1).toInstant(),
							java.time.Duration.ofSeconds(rs.getLong(2)), rs.getLong(3)),
					instanceId)
			.stream()
			.findFirst()
			.orElse(null);
	}

	/**
	 * Streams a run's report rows in input order, optionally of one outcome, without
	 * holding them all.
	 */
	@Transactional(readOnly = true)
	public void items(long instanceId, String outcome, Consumer<ReportRow> consumer) {
		List<Object> args = new ArrayList<>(List.of(instanceId));
		String where = "WHERE r.job_instance_id = ?" + outcomeAndReason(outcome, null, args);
		streaming.query(ROWS + where + " ORDER BY r.item_number", (RowCallbackHandler) rs -> consumer.accept(row(rs)),
				args.toArray());
	}

	/**
	 * The conditions for rows of this outcome and reason (either may be {@code null}),
	 * their arguments added. The rows to look at (anything but sent, queued or would-send
	 * without a reason) are found by their own column and index ({@code problem}, V26),
	 * the others, the bulk of a run, in input order.
	 */
	static String outcomeAndReason(String outcome, String reason, List<Object> args) {
		StringBuilder where = new StringBuilder();
		boolean bulk = outcome != null && BULK.contains(outcome);
		if (outcome != null) {
			where.append(bulk && reason == null ? " AND r.outcome = ?" : " AND r.problem = ?");
			args.add(outcome);
		}
		if (reason != null) {
			where.append(outcome == null ? " AND r.problem IS NOT NULL AND r.reason = ?" : " AND r.reason = ?");
			args.add(reason);
		}
		return where.toString();
	}

	/** The outcomes a row has without being one to look at, unless it has a reason. */
	private static final java.util.Set<String> BULK = java.util.Set.of(ReportOutcome.SENT.dbValue(),
			ReportOutcome.QUEUED.dbValue(), ReportOutcome.WOULD_SEND.dbValue());

	/**
	 * The columns of a report row, each person's name as stored (a rejected row has
	 * none).
	 */
	static final String ROWS = """
			SELECT r.item_number, r.source_line, r.email, r.outcome, r.reason, r.detail, r.invitation_id, r.kind,
			       p.first_name, p.last_name
			FROM job_report_row r LEFT JOIN person p ON p.id = r.person_id
			""";

	static ReportRow row(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new ReportRow(rs.getLong(1), (Long) rs.getObject(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getString(6), (Long) rs.getObject(7), rs.getString(8), rs.getString(9), rs.getString(10));
	}

	/**
	 * Input rows the run's select steps read and committed, over all its executions: each
	 * of them has exactly one report row, written in the same transaction.
	 */
	public long rowsRead(long instanceId) {
		return metadata.readByRun(instanceId, "select");
	}

	/** One report row as shown to an admin. */
	public record ReportRow(long item, Long line, String email, String outcome, String reason, String detail,
			Long invitationId, String kind, String firstName, String lastName) {

		/**
		 * Whether an admin has something to look at: anything but sent (or would send).
		 */
		public boolean problem() {
			return !outcome.equals("SENT") && !outcome.equals("WOULD_SEND");
		}

	}

}
