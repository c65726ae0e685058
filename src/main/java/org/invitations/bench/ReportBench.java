package org.invitations.bench;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import org.invitations.report.ReportFormat;
import org.invitations.report.ReportOptions;
import org.invitations.report.ReportRenderer;
import org.invitations.run.BatchMetadata;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;

/**
 * The report exports at scale: N synthetic report rows of one run (set-based SQL, 90%
 * sent and the rest spread over the problem outcomes, each with a stored person), each
 * format written in full through the real renderer to a stream that only counts bytes;
 * prints rows per second and the peak heap of each.
 */
@Component
public class ReportBench {

	private final JdbcTemplate jdbc;

	private final ReportRenderer renderer;

	private final BatchMetadata metadata;

	public ReportBench(JdbcTemplate jdbc, ReportRenderer renderer, BatchMetadata metadata) {
		this.jdbc = jdbc;
		this.renderer = renderer;
		this.metadata = metadata;
	}

	/** Runs the exports; true when every format wrote every row. */
	public boolean run(long rows, PrintWriter out) {
		long started = System.nanoTime();
		long execution = setUp(rows);
		out.printf("setup (%d report rows and people, set-based): %.1fs%n", rows, (System.nanoTime() - started) / 1e9);
		boolean ok = true;
		for (ReportFormat format : new ReportFormat[] { ReportFormat.CSV, ReportFormat.JSON, ReportFormat.HTML }) {
			Counting sink = new Counting();
			HeapPeaks.reset();
			java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
			long cpu = threads.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			renderer.write(execution, format, new ReportOptions(null, true, Long.MAX_VALUE), sink);
			double seconds = (System.nanoTime() - start) / 1e9;
			double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
			long lines = sink.lines;
			// CPU time of the writing thread says what the export costs when the machine
			// is shared.
			out.printf(
					"%-4s %d rows in %.1fs: %,.0f rows/s (%.1f s CPU: %,.0f rows per CPU second), %d MB written,"
							+ " peak heap %d MB%n",
					format.name().toLowerCase(java.util.Locale.ROOT), rows, seconds, rows / seconds, cpuSeconds,
					rows / cpuSeconds, sink.bytes >> 20, HeapPeaks.peak() >> 20);
			ok &= lines >= rows;
		}
		out.printf("max heap %d MB%n", Runtime.getRuntime().maxMemory() >> 20);
		return ok;
	}

	private long setUp(long rows) {
		Map<String, String> parameters = new LinkedHashMap<>();
		parameters.put(JobParameterNames.SPEC_NAME, "report-bench");
		parameters.put(JobParameterNames.RUN, "1");
		parameters.put(JobParameterNames.DRY_RUN, "false");
		parameters.put(JobParameterNames.SOURCE_CHECKSUM, "0".repeat(64));
		BatchMetadata.RunIds run = metadata.addCompletedRun(JobNames.INVITATION, parameters, "select", rows);
		long instance = run.instanceId();
		long execution = run.executionId();
		long firstPerson = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM person", Long.class);
		jdbc.update(
				"""
						INSERT INTO person (email, email_normalized, first_name, last_name)
						SELECT 'bench' || ? || '.' || i || '@report.example.org', 'bench' || ? || '.' || i || '@report.example.org', 'Réka ' || i,
						       'O''Brien, "Jr"' FROM generate_series(1, ?) i
						""",
				instance, instance, rows);
		jdbc.update(
				"""
						WITH added AS (
						INSERT INTO job_report_item (job_instance_id, job_execution_id, item_number, source_line, email,
						       email_normalized, person_id, kind, outcome, reason, detail)
						SELECT ?, ?, i, i + 1, 'bench' || ? || '.' || i || '@report.example.org', 'bench' || ? || '.' || i || '@report.example.org',
						       p.id, 'INVITATION',
						       CASE WHEN i % 100 < 90 THEN 'SENT' WHEN i % 100 < 95 THEN 'SKIPPED' WHEN i % 100 < 98 THEN 'REJECTED'
						            ELSE 'FAILED' END,
						       CASE WHEN i % 100 < 90 THEN NULL WHEN i % 100 < 95 THEN 'EMAIL_INACTIVE'
						            WHEN i % 100 < 98 THEN 'INVALID_EMAIL' ELSE 'SMTP_REJECTED' END,
						       CASE WHEN i % 100 < 90 THEN '250 2.0.0 Ok: queued as ' || md5(i::text) ELSE 'line ' || i || ': see the reason' END
						FROM generate_series(1, ?) i JOIN person p ON p.id = ? + i
						RETURNING job_instance_id, outcome, reason)
						INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
						SELECT job_instance_id, outcome, reason, count(*) FROM added GROUP BY 1, 2, 3
						""",
				instance, execution, instance, instance, rows, firstPerson);
		jdbc.execute("ANALYZE person, job_report_item");
		return execution;
	}

	/** Counts what a report writes, and its lines, and keeps none of it. */
	private static final class Counting extends OutputStream {

		long bytes;

		long lines;

		@Override
		public void write(int b) {
			bytes++;
			if (b == '\n') {
				lines++;
			}
		}

		@Override
		public void write(byte[] b, int off, int len) {
			bytes += len;
			for (int i = off; i < off + len; i++) {
				if (b[i] == '\n') {
					lines++;
				}
			}
		}

	}

}
