package org.invitations.bench;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import org.invitations.report.ReportFormat;
import org.invitations.report.ReportOptions;
import org.invitations.report.ReportRenderer;

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

	public ReportBench(JdbcTemplate jdbc, ReportRenderer renderer) {
		this.jdbc = jdbc;
		this.renderer = renderer;
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
		long instance = jdbc.queryForObject("SELECT nextval('batch_job_instance_seq')", Long.class);
		long execution = jdbc.queryForObject("SELECT nextval('batch_job_execution_seq')", Long.class);
		jdbc.update("INSERT INTO batch_job_instance VALUES (?, 0, 'invitationJob', md5(?::text))", instance, instance);
		jdbc.update("""
				INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time,
				       end_time, status, exit_code, exit_message, last_updated)
				VALUES (?, 1, ?, now(), now() - interval '10 minutes', now(), 'COMPLETED', 'COMPLETED', '', now())
				""", execution, instance);
		String[][] parameters = { { "spec.name", "report-bench" }, { "run", "1" }, { "dry.run", "false" },
				{ "source.checksum", "0".repeat(64) } };
		for (String[] p : parameters) {
			jdbc.update("INSERT INTO batch_job_execution_params VALUES (?, ?, 'java.lang.String', ?, 'Y')", execution,
					p[0], p[1]);
		}
		jdbc.update(
				"""
						INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time,
						       status, read_count) VALUES (nextval('batch_step_execution_seq'), 1, 'select', ?, now(), 'COMPLETED', ?)
						""",
				execution, rows);
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
