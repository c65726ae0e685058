package org.invitations;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

import org.invitations.job.InvitationJobConfiguration;
import org.invitations.run.JobParameterNames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invitation job's shape, which the job repository, restarts and the run listing rely
 * on: a run and a resend are the same job with the same two steps, a spec changed under a
 * run is refused before any step, and a bulk selection refreshes the planner's statistics
 * while it grows the tables.
 */
class InvitationJobIT extends IntegrationTest {

	@Autowired
	JobOperator jobOperator;

	@Autowired
	@Qualifier(InvitationJobConfiguration.JOB_NAME)
	Job invitationJob;

	@Test
	void aRunAndAResendAreOneJobWithTheSameTwoSteps() throws Exception {
		write("people.csv", peopleCsv(3));
		Path spec = spec("shape", "people.csv", "resend:", "  min-interval: 0s");
		Result run = cli("run", spec.toString());
		assertThat(run.exitCode()).as(run.err()).isZero();

		Result resend = cli("resend", spec.toString(), "--email", "p2@example.org");

		assertThat(resend.exitCode()).as(resend.err()).isZero();
		List<String> steps = jdbc.queryForList("""
				SELECT i.job_name || ' ' || s.step_name || ' read ' || s.read_count || ' wrote ' || s.write_count
				FROM batch_step_execution s JOIN batch_job_execution e ON e.job_execution_id = s.job_execution_id
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				ORDER BY s.job_execution_id, s.step_name
				""", String.class);
		// With no worker alive, the deliver step is one partition, sent by the run's own
		// process.
		assertThat(steps).containsExactly("invitationJob deliver read 3 wrote 3",
				"invitationJob deliver:partition0 read 3 wrote 3", "invitationJob select read 3 wrote 3",
				"invitationJob deliver read 1 wrote 1", "invitationJob deliver:partition0 read 1 wrote 1",
				"invitationJob select read 1 wrote 1");
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("p1@example.org", "p2@example.org", "p3@example.org", "p2@example.org");
	}

	@Test
	void aSpecChangedSinceTheRunStartedIsRefusedBeforeAnyStep() throws Exception {
		write("people.csv", peopleCsv(2));
		Path spec = spec("changed", "people.csv");
		JobParameters parameters = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, "changed")
			.addString(JobParameterNames.SPEC_CHECKSUM, "0".repeat(64))
			.addString(JobParameterNames.SOURCE_CHECKSUM, "0".repeat(64))
			.addString(JobParameterNames.DRY_RUN, "false")
			.addLong(JobParameterNames.RUN, 1L)
			.addString(JobParameterNames.SPEC_PATH, spec.toAbsolutePath().toString(), false)
			.toJobParameters();

		JobExecution execution = jobOperator.start(invitationJob, parameters);

		assertThat(execution.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(execution.getStepExecutions()).isEmpty();
		assertThat(execution.getAllFailureExceptions()).anySatisfy(failure -> assertThat(messages(failure))
			.contains("changed since this run started; restore it to restart the run, or start a new run"));
		assertThat(count("SELECT count(*) FROM batch_step_execution")).isZero();
		assertThat(count("SELECT count(*) FROM invitation")).isZero();
		assertThat(received()).isEmpty();
	}

	@Test
	void aBulkSelectionRefreshesThePlannersStatisticsAsItGrows() throws Exception {
		write("people.csv", peopleCsv(2100));
		Path spec = spec("bulk", "people.csv", 100);
		// Only the job's own ANALYZE may count here, not autovacuum's.
		jdbc.execute("ALTER TABLE job_report_item SET (autovacuum_enabled = false)");
		try {
			assertThat(reportRowsThePlannerKnows()).as("emptied by TRUNCATE, never analyzed since").isEqualTo(-1);

			Result dry = cli("run", spec.toString(), "--dry-run");

			assertThat(dry.exitCode()).as(dry.err()).isZero();
			assertThat(count("SELECT count(*) FROM job_report_item")).isEqualTo(2100);
			// Refreshed at 1,024 items and again at 2,048, whose chunk ended at 2,100
			// rows.
			assertThat(reportRowsThePlannerKnows()).isEqualTo(2100);
		}
		finally {
			jdbc.execute("ALTER TABLE job_report_item RESET (autovacuum_enabled)");
		}
	}

	private long reportRowsThePlannerKnows() {
		return jdbc.queryForObject("SELECT reltuples::bigint FROM pg_class WHERE relname = 'job_report_item'",
				Long.class);
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			all.append(cause.getMessage()).append('\n');
		}
		return all.toString();
	}

}
