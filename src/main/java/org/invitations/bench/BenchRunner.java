package org.invitations.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.launch.ExpiryLauncher;
import org.invitations.launch.InvitationLauncher;
import org.invitations.run.BatchMetadata;
import org.invitations.spec.ExpirySpec;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecLoader;

/**
 * The benchmark: N synthetic people in a fresh group, the real invitation job over them
 * (the same code path as {@code run}), and the numbers.
 */
@Service
public class BenchRunner {

	private final JdbcTemplate jdbc;

	private final InvitationLauncher launcher;

	private final ExpiryLauncher expiry;

	private final BatchMetadata metadata;

	public BenchRunner(JdbcTemplate jdbc, InvitationLauncher launcher, ExpiryLauncher expiry, BatchMetadata metadata) {
		this.jdbc = jdbc;
		this.launcher = launcher;
		this.expiry = expiry;
		this.metadata = metadata;
	}

	/**
	 * What the expiry job did: its expire step's invitations and time, and its purge
	 * step's report rows (of how many runs), history entries and time (none without a
	 * retention).
	 */
	public record Expiry(long expired, long due, Duration duration, long purgedRows, long purgedRuns,
			long purgedEntries, Duration purgeDuration) {

		public double rate() {
			return expired / Math.max(1e-9, duration.toNanos() / 1e9);
		}

		/** Report rows and history entries deleted per second. */
		public double purgeRate() {
			return (purgedRows + purgedEntries) / Math.max(1e-9, purgeDuration.toNanos() / 1e9);
		}

	}

	/**
	 * Fills the database with N invitations of earlier runs (see {@link HistoryFill}).
	 * @return how many of them are due for expiry
	 */
	public long fillHistory(long invitations, java.io.PrintWriter progress) {
		return new HistoryFill(jdbc, metadata).fill(invitations, progress);
	}

	/**
	 * The real expiry job (as {@code expire} runs it), timed by its expire and purge
	 * steps.
	 * @param retention the spec's {@code purge-report-rows-after} and
	 * {@code purge-history-after}, or {@code null} to keep every report row and entry
	 */
	public Expiry expire(long due, Duration retention) throws Exception {
		long[] before = purgeCounts();
		JobExecution execution = expiry.run(new ExpirySpec(Path.of("bench-expiry"), "bench-expiry", 10_000, null,
				retention, retention, org.invitations.spec.Notify.NONE, null, null));
		StepExecution step = stepNamed(execution, "expire");
		StepExecution purge = stepNamed(execution, "purge");
		long[] after = purgeCounts();
		if (retention != null) {
			// Deleted rows leave their space to the rows of later runs and the entries
			// of later invitations, so a deployment keeps the same size from then on:
			// the tables are compacted to what they hold, so that the bytes stored show
			// that size.
			jdbc.execute("VACUUM FULL ANALYZE job_report_item");
			jdbc.execute("VACUUM FULL ANALYZE invitation_event");
		}
		// The purge step counts report rows and history entries together.
		long rows = after[0] - before[0];
		return new Expiry(step.getWriteCount(), due, duration(step), rows, after[1] - before[1],
				purge.getWriteCount() - rows, duration(purge));
	}

	/** Report rows purged and runs purged so far. */
	private long[] purgeCounts() {
		return jdbc.queryForObject(
				"""
						SELECT (SELECT coalesce(sum(rows_purged), 0) FROM job_report_purge), (SELECT count(*) FROM job_report_purge)
						""",
				(rs, n) -> new long[] { rs.getLong(1), rs.getLong(2) });
	}

	private static StepExecution stepNamed(JobExecution execution, String name) {
		return execution.getStepExecutions()
			.stream()
			.filter(s -> s.getStepName().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("the expiry job ran no " + name + " step"));
	}

	public StorageFigures storage() {
		return StorageFigures.of(jdbc);
	}

	/**
	 * The figures once every table is vacuumed: a plain VACUUM, which frees the space of
	 * dead row versions for later rows and gives back only the empty pages at a table's
	 * end, as autovacuum does.
	 */
	public StorageFigures vacuumedStorage() {
		jdbc.execute("VACUUM ANALYZE");
		return StorageFigures.of(jdbc);
	}

	/**
	 * What one benchmark run measured.
	 *
	 * @param sent invitations recorded as SENT by the run
	 * @param distinctSent distinct people among them
	 * @param applicationCpuNanos CPU time this process used during the job, or -1
	 * @param compilerCpuNanos the part of the application's CPU time its JIT compiler
	 * threads used, or -1
	 * @param collectorCpuNanos the part its garbage collector used, or -1
	 * @param postgresCpuNanos CPU time PostgreSQL's processes used during the job, or -1
	 */
	public record Result(JobExecution execution, long people, Duration setup, Duration total, Duration select,
			Duration deliver, long sent, long distinctSent, long peakHeapBytes, long applicationCpuNanos,
			long compilerCpuNanos, long collectorCpuNanos, long postgresCpuNanos) {

		public double rate(Duration duration, long items) {
			return items / Math.max(1e-9, duration.toNanos() / 1e9);
		}

	}

	public Result run(long people, int chunkSize) throws Exception {
		String name = "bench-" + System.currentTimeMillis();
		long setupStart = System.nanoTime();
		jdbc.update("INSERT INTO person_group (name) VALUES (?)", name);
		// The role the bench grants, created the way an operator would with "roles add"
		// (its job refuses unknown roles).
		jdbc.update("INSERT INTO role (name, description) VALUES ('bench-member', 'Synthetic people of the benchmark')"
				+ " ON CONFLICT (name) DO NOTHING");
		// Set-based: a million people take seconds, not a million statements. Addresses
		// as long as real ones (about 27 characters), unique in a database the benchmark
		// ran in before.
		jdbc.update("""
				WITH people AS (
				    INSERT INTO person (email, email_normalized, first_name, last_name)
				    SELECT e, e, 'Person' || g, 'Bench'
				    FROM (SELECT g, 'p' || g || '.' || ? || '@example.org' AS e FROM generate_series(1, ?) g) s
				    RETURNING id)
				INSERT INTO group_member (group_id, person_id)
				SELECT (SELECT id FROM person_group WHERE name = ?), id FROM people
				""", Long.toString(System.currentTimeMillis(), 36), people, name);
		jdbc.execute("ANALYZE person; ANALYZE group_member; ANALYZE invitation");
		Duration setup = Duration.ofNanos(System.nanoTime() - setupStart);
		Path dir = Files.createTempDirectory("invitations-bench");
		Path specFile = dir.resolve("bench.yml");
		Files.writeString(specFile, """
				name: %s
				source:
				  group: %s
				role: bench-member
				chunk-size: %d
				link-base-url: https://crm.example.org/set-password
				organisation: Benchmark
				""".formatted(name, name, chunkSize));
		JobSpec spec = new SpecLoader().load(specFile);
		HeapPeaks.reset();
		long applicationCpu = CpuTime.application();
		CpuTime.Overhead overhead = CpuTime.overhead();
		long postgresCpu = CpuTime.postgres();
		long start = System.nanoTime();
		JobExecution execution = launcher.run(spec, false, false);
		Duration total = Duration.ofNanos(System.nanoTime() - start);
		applicationCpu = applicationCpu < 0 ? -1 : CpuTime.application() - applicationCpu;
		overhead = CpuTime.overhead().since(overhead);
		postgresCpu = postgresCpu < 0 ? -1 : CpuTime.postgres() - postgresCpu;
		long peak = HeapPeaks.peak();
		long sent = count("SELECT count(*) FROM invitation WHERE spec_name = ? AND status = 'SENT'", name);
		long distinct = count(
				"SELECT count(DISTINCT person_id) FROM invitation WHERE spec_name = ? AND status = 'SENT'", name);
		deleteQuietly(specFile, dir);
		return new Result(execution, people, setup, total, step(execution, "select"), step(execution, "deliver"), sent,
				distinct, peak, applicationCpu, overhead.compilerNanos(), overhead.collectorNanos(), postgresCpu);
	}

	private long count(String sql, String name) {
		Long n = jdbc.queryForObject(sql, Long.class, name);
		return n == null ? 0 : n;
	}

	private static Duration step(JobExecution execution, String name) {
		return execution.getStepExecutions()
			.stream()
			.filter(step -> step.getStepName().equals(name))
			.map(BenchRunner::duration)
			.reduce(Duration.ZERO, Duration::plus);
	}

	private static Duration duration(StepExecution step) {
		return step.getStartTime() == null || step.getEndTime() == null ? Duration.ZERO
				: Duration.between(step.getStartTime(), step.getEndTime());
	}

	private static void deleteQuietly(Path file, Path dir) {
		try {
			Files.deleteIfExists(file);
			Files.deleteIfExists(dir);
		}
		catch (IOException ex) {
			// a temp folder left behind is harmless
		}
	}

}
