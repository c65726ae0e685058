package org.invitations.run;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Repository;

/**
 * The one door to Spring Batch's job repository tables ({@code batch_*}) for what its
 * {@code JobRepository} does not answer in one query: runs of a spec by their parameters,
 * pages of executions, step counters, and the SQL fragments with which a query of our own
 * tables reads them in the same statement (a report page, a run's invitations). The
 * tables are Spring Batch's: their names and columns appear here only, so that a new
 * release's schema is checked in one place.
 */
@Repository
public class BatchMetadata {

	private final JdbcTemplate jdbc;

	public BatchMetadata(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * SQL: the job instance (the run) of the execution whose id is {@code executionId}, a
	 * placeholder or a column, as a scalar subquery.
	 */
	public static String instanceOfExecution(String executionId) {
		return "(SELECT job_instance_id FROM batch_job_execution WHERE job_execution_id = " + executionId + ")";
	}

	/**
	 * SQL: the ids of every execution of the run the execution {@code executionId} (a
	 * placeholder or a column) belongs to.
	 */
	public static String executionsOfRunOf(String executionId) {
		return "SELECT e.job_execution_id FROM batch_job_execution e WHERE e.job_instance_id = "
				+ instanceOfExecution(executionId);
	}

	/**
	 * SQL: the status of the execution {@code executionId} (a placeholder or a column),
	 * or NULL when there is none, as a scalar subquery.
	 */
	public static String statusOfExecution(String executionId) {
		return "(SELECT status FROM batch_job_execution WHERE job_execution_id = " + executionId + ")";
	}

	/**
	 * SQL: the value of one of the job parameters (see {@link JobParameterNames}) of the
	 * execution {@code executionId} (a placeholder or a column), as a scalar subquery.
	 */
	public static String parameterOfExecution(String executionId, String parameterName) {
		if (!parameterName.matches("[a-z][a-z.-]*")) {
			throw new IllegalArgumentException("not a parameter name: " + parameterName);
		}
		return "(SELECT x.parameter_value FROM batch_job_execution_params x WHERE x.job_execution_id = " + executionId
				+ " AND x.parameter_name = '" + parameterName + "')";
	}

	/**
	 * SQL: whether the run (job instance) {@code instanceId} (a placeholder or a column)
	 * ended before {@code cutoff} (an SQL expression of a time): every one of its
	 * executions has ended, the last before the cutoff, and the run is over (completed or
	 * abandoned). A run still running, or stopped or failed more recently, has not; nor
	 * has one that stopped or failed long ago and was never abandoned, which a restart
	 * may still continue. A run whose executions are no longer recorded (operators prune
	 * the job repository with Spring Batch's tools) is decided by {@code whenUnrecorded},
	 * a boolean expression of the caller.
	 */
	public static String runEndedBefore(String instanceId, String cutoff, String whenUnrecorded) {
		// Over no rows bool_and and max are NULL, so coalesce falls to the caller's rule.
		return "coalesce((SELECT bool_and(e.end_time IS NOT NULL) AND max(e.end_time) < " + cutoff
				+ " AND bool_or(e.status IN ('COMPLETED', 'ABANDONED'))"
				+ " FROM batch_job_execution e WHERE e.job_instance_id = " + instanceId + "), " + whenUnrecorded + ")";
	}

	/** One job execution with its job's name. */
	public record ExecutionRow(long id, long instanceId, String job, String status, @Nullable String exitMessage,
			@Nullable Instant start, @Nullable Instant end) {
	}

	/** Counters of one step execution as Spring Batch recorded them. */
	public record StepCounts(String name, String status, long read, long write, long filter, long commit,
			long rollback) {
	}

	private static final String EXECUTION_ROWS = """
			SELECT e.job_execution_id, e.job_instance_id, i.job_name, e.status, e.exit_message, e.start_time, e.end_time
			FROM batch_job_execution e JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
			""";

	public Optional<ExecutionRow> execution(long executionId) {
		return jdbc.query(EXECUTION_ROWS + "WHERE e.job_execution_id = ?", BatchMetadata::executionRow, executionId)
			.stream()
			.findFirst();
	}

	/**
	 * Executions of every job with an id below {@code before} (all when null), newest
	 * first, at most {@code limit}.
	 */
	public List<ExecutionRow> executionsBefore(@Nullable Long before, int limit) {
		return jdbc.query(
				EXECUTION_ROWS + "WHERE (?::bigint IS NULL OR e.job_execution_id < ?)"
						+ " ORDER BY e.job_execution_id DESC LIMIT ?",
				BatchMetadata::executionRow, before, before, limit);
	}

	/**
	 * The newest execution of any run of the spec by one of these jobs.
	 * @param dryRun only dry runs, or only real ones; either when {@code null}
	 */
	public Optional<ExecutionRow> latestExecution(Collection<String> jobNames, String specName,
			@Nullable Boolean dryRun) {
		String sql = EXECUTION_ROWS + """
				WHERE i.job_name = ANY(?)
				  AND EXISTS (SELECT 1 FROM batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id
				              AND p.parameter_name = ? AND p.parameter_value = ?)
				""";
		if (dryRun == null) {
			return jdbc
				.query(sql + "ORDER BY e.job_execution_id DESC LIMIT 1", BatchMetadata::executionRow,
						jobNames.toArray(String[]::new), JobParameterNames.SPEC_NAME, specName)
				.stream()
				.findFirst();
		}
		return jdbc.query(sql + """
				  AND EXISTS (SELECT 1 FROM batch_job_execution_params p WHERE p.job_execution_id = e.job_execution_id
				              AND p.parameter_name = ? AND p.parameter_value = ?)
				ORDER BY e.job_execution_id DESC LIMIT 1
				""", BatchMetadata::executionRow, jobNames.toArray(String[]::new), JobParameterNames.SPEC_NAME,
				specName, JobParameterNames.DRY_RUN, dryRun.toString())
			.stream()
			.findFirst();
	}

	/**
	 * The run (job instance) of an execution, or empty when there is no such execution.
	 */
	public Optional<Long> instanceOf(long executionId) {
		return jdbc
			.queryForList("SELECT job_instance_id FROM batch_job_execution WHERE job_execution_id = ?", Long.class,
					executionId)
			.stream()
			.findFirst();
	}

	/**
	 * An execution's status as stored now (another process may have changed it), or
	 * {@code null} when there is no such execution.
	 */
	public @Nullable String status(long executionId) {
		return jdbc
			.queryForList("SELECT status FROM batch_job_execution WHERE job_execution_id = ?", String.class,
					executionId)
			.stream()
			.findFirst()
			.orElse(null);
	}

	/** An execution's job parameters by name, as stored; empty when there is none. */
	public Map<String, String> parameters(long executionId) {
		return parameters(List.of(executionId)).getOrDefault(executionId, new LinkedHashMap<>());
	}

	/** The job parameters of each of these executions, by id, each by name. */
	public Map<Long, Map<String, String>> parameters(Collection<Long> executionIds) {
		Map<Long, Map<String, String>> parameters = new HashMap<>();
		jdbc.query("""
				SELECT job_execution_id, parameter_name, parameter_value FROM batch_job_execution_params
				WHERE job_execution_id = ANY(?)
				""", (RowCallbackHandler) rs -> parameters.computeIfAbsent(rs.getLong(1), id -> new LinkedHashMap<>())
			.put(rs.getString(2), rs.getString(3)), (Object) executionIds.toArray(Long[]::new));
		return parameters;
	}

	/**
	 * The highest run number of the spec name so far, by any job, or 0 (see
	 * {@link JobParameterNames#RUN}).
	 */
	public long highestRunOfSpec(String specName) {
		Long max = jdbc.queryForObject("""
				SELECT max(r.parameter_value::bigint) FROM batch_job_execution_params r
				WHERE r.parameter_name = ? AND EXISTS (SELECT 1 FROM batch_job_execution_params n
				      WHERE n.job_execution_id = r.job_execution_id AND n.parameter_name = ? AND n.parameter_value = ?)
				""", Long.class, JobParameterNames.RUN, JobParameterNames.SPEC_NAME, specName);
		return max == null ? 0 : max;
	}

	/** The highest run number of any run of the job so far, whatever its spec, or 0. */
	public long highestRunOfJob(String jobName) {
		Long max = jdbc.queryForObject("""
				SELECT coalesce(max(r.parameter_value::bigint), 0) FROM batch_job_execution_params r
				JOIN batch_job_execution e ON e.job_execution_id = r.job_execution_id
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				WHERE i.job_name = ? AND r.parameter_name = ?
				""", Long.class, jobName, JobParameterNames.RUN);
		return max == null ? 0 : max;
	}

	/** The step executions of an execution, in the order they were created. */
	public List<StepCounts> steps(long executionId) {
		return jdbc.query("""
				SELECT step_name, status, read_count, write_count, filter_count, commit_count, rollback_count
				FROM batch_step_execution WHERE job_execution_id = ? ORDER BY step_execution_id
				""", (rs, n) -> new StepCounts(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
				rs.getLong(5), rs.getLong(6), rs.getLong(7)), executionId);
	}

	/** Items the named step read and committed over every execution of a run. */
	public long readByRun(long instanceId, String stepName) {
		Long read = jdbc.queryForObject("""
				SELECT coalesce(sum(s.read_count), 0) FROM batch_step_execution s
				JOIN batch_job_execution e ON e.job_execution_id = s.job_execution_id
				WHERE e.job_instance_id = ? AND s.step_name = ?
				""", Long.class, instanceId, stepName);
		return read == null ? 0 : read;
	}

	/** Items the named step read and committed in one execution. */
	public long readByExecution(long executionId, String stepName) {
		Long read = jdbc.queryForObject("""
				SELECT coalesce(sum(read_count), 0) FROM batch_step_execution
				WHERE job_execution_id = ? AND step_name = ?
				""", Long.class, executionId, stepName);
		return read == null ? 0 : read;
	}

	/** Whether the execution has a step execution of that name at all. */
	public boolean stepStarted(long executionId, String stepName) {
		Integer steps = jdbc.queryForObject(
				"SELECT count(*) FROM batch_step_execution WHERE job_execution_id = ? AND step_name = ?", Integer.class,
				executionId, stepName);
		return steps != null && steps > 0;
	}

	/** Whether an execution of the run completed the named step. */
	public boolean stepCompleted(long instanceId, String stepName) {
		Integer completed = jdbc.queryForObject(
				"""
						SELECT count(*) FROM batch_step_execution s JOIN batch_job_execution e ON e.job_execution_id = s.job_execution_id
						WHERE e.job_instance_id = ? AND s.step_name = ? AND s.status = 'COMPLETED'
						""",
				Integer.class, instanceId, stepName);
		return completed != null && completed > 0;
	}

	/**
	 * Whether the named step is over for this execution of the run: an execution of the
	 * run completed it, or this one ended it (failed, stopped, abandoned).
	 */
	public boolean stepOver(long instanceId, long executionId, String stepName) {
		Integer over = jdbc.queryForObject(
				"""
						SELECT count(*) FROM batch_step_execution s JOIN batch_job_execution e ON e.job_execution_id = s.job_execution_id
						WHERE e.job_instance_id = ? AND s.step_name = ?
						  AND (s.status = 'COMPLETED' OR (e.job_execution_id = ? AND s.status IN ('FAILED', 'STOPPED', 'ABANDONED')))
						""",
				Integer.class, instanceId, stepName, executionId);
		return over != null && over > 0;
	}

	/**
	 * The state of each run's executions (ids, statuses, end and update times) as one
	 * text, by job instance: it changes whenever one of them does.
	 */
	public Map<Long, String> executionStates(Collection<Long> instanceIds) {
		Map<Long, String> states = new HashMap<>();
		jdbc.query(
				"""
						SELECT job_instance_id, string_agg(job_execution_id || ':' || status || ':' || coalesce(end_time::text, '')
						       || ':' || coalesce(last_updated::text, ''), ',' ORDER BY job_execution_id)
						FROM batch_job_execution WHERE job_instance_id = ANY(?) GROUP BY 1
						""",
				(RowCallbackHandler) rs -> states.put(rs.getLong(1), rs.getString(2) + ","),
				(Object) instanceIds.toArray(Long[]::new));
		return states;
	}

	/**
	 * Where an execution stands in its run and among its spec's runs.
	 *
	 * @param job its job's name
	 * @param latestOfRun the newest execution of its run (itself unless a restart
	 * continued it)
	 * @param runEnded whether an execution of its run completed or was abandoned
	 * @param specLast the newest execution of any run of its spec by the same jobs (see
	 * {@code sameRuns}), of the same kind (dry run or not)
	 * @param deliverExitCode the exit code of its {@code deliver} step, or {@code null}
	 */
	public record Standing(long executionId, long instanceId, String job, String status, long latestOfRun,
			boolean runEnded, long specLast, @Nullable String deliverExitCode) {
	}

	/**
	 * The standing of each of these executions, by id; unknown ids are left out.
	 * @param sameRuns jobs whose runs of a spec are one line of runs (only the newest of
	 * them continues); a job not named is a line of its own
	 */
	public Map<Long, Standing> standings(Collection<Long> executionIds, Collection<String> sameRuns) {
		Map<Long, Standing> standings = new HashMap<>();
		String[] family = sameRuns.toArray(String[]::new);
		// The newest execution of each spec listed is looked up once per spec, not per
		// execution: the parameters table has no index, and a page lists 50 executions.
		jdbc.query("""
				WITH listed AS (
				    SELECT e.job_execution_id, e.job_instance_id, i.job_name, e.status,
				           CASE WHEN i.job_name = ANY(?) THEN ?::text[] ELSE ARRAY[i.job_name::text] END AS jobs,
				           spec.parameter_value AS spec, dry.parameter_value AS dry
				    FROM batch_job_execution e JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				    LEFT JOIN batch_job_execution_params spec ON spec.job_execution_id = e.job_execution_id
				         AND spec.parameter_name = ?
				    LEFT JOIN batch_job_execution_params dry ON dry.job_execution_id = e.job_execution_id
				         AND dry.parameter_name = ?
				    WHERE e.job_execution_id = ANY(?)),
				specs AS (
				    SELECT k.jobs, k.spec, k.dry,
				           (SELECT max(p.job_execution_id) FROM batch_job_execution_params p
				            JOIN batch_job_execution o ON o.job_execution_id = p.job_execution_id
				            JOIN batch_job_instance oi ON oi.job_instance_id = o.job_instance_id
				            WHERE p.parameter_name = ? AND p.parameter_value = k.spec AND oi.job_name = ANY(k.jobs)
				              AND NOT EXISTS (SELECT 1 FROM batch_job_execution_params d
				                              WHERE d.job_execution_id = p.job_execution_id AND d.parameter_name = ?
				                                AND d.parameter_value IS DISTINCT FROM k.dry)) AS last
				    FROM (SELECT DISTINCT jobs, spec, dry FROM listed WHERE spec IS NOT NULL) k)
				SELECT l.job_execution_id, l.job_instance_id, l.job_name, l.status,
				       (SELECT max(x.job_execution_id) FROM batch_job_execution x
				        WHERE x.job_instance_id = l.job_instance_id),
				       EXISTS (SELECT 1 FROM batch_job_execution x WHERE x.job_instance_id = l.job_instance_id
				               AND x.status IN ('COMPLETED', 'ABANDONED')),
				       coalesce(s.last, l.job_execution_id),
				       (SELECT max(st.exit_code) FROM batch_step_execution st
				        WHERE st.job_execution_id = l.job_execution_id AND st.step_name = 'deliver')
				FROM listed l LEFT JOIN specs s ON s.jobs = l.jobs AND s.spec = l.spec
				     AND s.dry IS NOT DISTINCT FROM l.dry
				""", rs -> {
			standings.put(rs.getLong(1), new Standing(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
					rs.getLong(5), rs.getBoolean(6), rs.getLong(7), rs.getString(8)));
		}, family, family, JobParameterNames.SPEC_NAME, JobParameterNames.DRY_RUN, executionIds.toArray(Long[]::new),
				JobParameterNames.SPEC_NAME, JobParameterNames.DRY_RUN);
		return standings;
	}

	/**
	 * For benchmarks: reserves {@code count} consecutive job instance ids, so that rows
	 * made up for earlier runs share none with a later run.
	 * @return the first
	 */
	public long reserveInstanceIds(int count) {
		return reserve("batch_job_instance_seq", count);
	}

	/** For benchmarks: as {@link #reserveInstanceIds}, for job execution ids. */
	public long reserveExecutionIds(int count) {
		return reserve("batch_job_execution_seq", count);
	}

	private long reserve(String sequence, int count) {
		Long first = jdbc.queryForObject("SELECT nextval(?::regclass)", Long.class, sequence);
		jdbc.queryForObject("SELECT setval(?::regclass, ?)", Long.class, sequence, first + count);
		return first;
	}

	/** A run and its one execution. */
	public record RunIds(long instanceId, long executionId) {
	}

	/**
	 * For benchmarks: records a run of the job that completed ten minutes ago, with these
	 * identifying string parameters and one completed step that read {@code read} items.
	 */
	public RunIds addCompletedRun(String jobName, Map<String, String> parameters, String stepName, long read) {
		long instance = jdbc.queryForObject("SELECT nextval('batch_job_instance_seq')", Long.class);
		long execution = jdbc.queryForObject("SELECT nextval('batch_job_execution_seq')", Long.class);
		jdbc.update("INSERT INTO batch_job_instance VALUES (?, 0, ?, md5(?::text))", instance, jobName, instance);
		jdbc.update("""
				INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time,
				       end_time, status, exit_code, exit_message, last_updated)
				VALUES (?, 1, ?, now(), now() - interval '10 minutes', now(), 'COMPLETED', 'COMPLETED', '', now())
				""", execution, instance);
		parameters.forEach((name, value) -> jdbc.update(
				"INSERT INTO batch_job_execution_params VALUES (?, ?, 'java.lang.String', ?, 'Y')", execution, name,
				value));
		jdbc.update("""
				INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time,
				       status, read_count) VALUES (nextval('batch_step_execution_seq'), 1, ?, ?, now(), 'COMPLETED', ?)
				""", stepName, execution, read);
		return new RunIds(instance, execution);
	}

	/**
	 * For benchmarks: records a run of the job under ids reserved before (see
	 * {@link #reserveInstanceIds}), with these identifying string parameters and one
	 * execution that completed at {@code end}, after ten minutes.
	 */
	public void addEndedRun(RunIds ids, String jobName, Map<String, String> parameters, Instant end) {
		jdbc.update("INSERT INTO batch_job_instance VALUES (?, 0, ?, md5(?::text))", ids.instanceId(), jobName,
				ids.instanceId());
		// The columns are timestamps without zone, written and read in the JVM's zone as
		// Spring Batch does.
		java.time.LocalDateTime ended = java.time.LocalDateTime.ofInstant(end, java.time.ZoneId.systemDefault());
		jdbc.update("""
				INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time,
				       end_time, status, exit_code, exit_message, last_updated)
				VALUES (?, 1, ?, ?, ?, ?, 'COMPLETED', 'COMPLETED', '', ?)
				""", ids.executionId(), ids.instanceId(), ended.minusMinutes(10), ended.minusMinutes(10), ended, ended);
		parameters.forEach((name, value) -> jdbc.update(
				"INSERT INTO batch_job_execution_params VALUES (?, ?, 'java.lang.String', ?, 'Y')", ids.executionId(),
				name, value));
	}

	private static ExecutionRow executionRow(ResultSet rs, int row) throws SQLException {
		return new ExecutionRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
				instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)));
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

}
