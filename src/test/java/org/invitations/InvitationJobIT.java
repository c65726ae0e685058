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

import org.invitations.launch.InvitationLauncher;
import org.invitations.launch.RunActions;
import org.invitations.report.RunListing;
import org.invitations.resend.ResendFilter;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The jobs' shape, which the job repository, restarts and the run listing rely on: a
 * resend is a job of its own beside the same deliver step, listed with its spec's runs; a
 * resend stored as the invitation job before still restarts as it; a spec changed under a
 * run is refused before any step of either job, and a bulk selection refreshes the
 * planner's statistics while it grows the tables.
 */
class InvitationJobIT extends IntegrationTest {

	@Autowired
	JobOperator jobOperator;

	@Autowired
	@Qualifier(JobNames.INVITATION)
	Job invitationJob;

	@Autowired
	@Qualifier(JobNames.RESEND)
	Job resendJob;

	@Test
	void aResendIsAJobOfItsOwnListedWithTheSpecsRuns() throws Exception {
		write("people.csv", peopleCsv(3));
		Path spec = spec("shape", "people.csv", "resend:", "  min-interval: 0s");
		Result run = cli("run", spec.toString());
		assertThat(run.exitCode()).as(run.err()).isZero();

		Result resend = cli("resend", spec.toString(), "--email", "p2@example.org");

		assertThat(resend.exitCode()).as(resend.err()).isZero();
		// With no worker alive, the deliver step is one partition, sent by the run's own
		// process.
		assertThat(steps()).containsExactly("invitationJob deliver read 3 wrote 3",
				"invitationJob deliver:partition0 read 3 wrote 3", "invitationJob select read 3 wrote 3",
				"resendJob deliver read 1 wrote 1", "resendJob deliver:partition0 read 1 wrote 1",
				"resendJob select read 1 wrote 1");
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("p1@example.org", "p2@example.org", "p3@example.org", "p2@example.org");
		// Listed, numbered and reported with the spec's runs, as a resend.
		List<RunListing.RunRow> runs = context.getBean(RunListing.class).page(null, 10);
		assertThat(runs)
			.extracting(RunListing.RunRow::job, RunListing.RunRow::specName, RunListing.RunRow::resend,
					RunListing.RunRow::status)
			.containsExactly(tuple("resendJob", "shape", true, "COMPLETED"),
					tuple("invitationJob", "shape", false, "COMPLETED"));
		assertThat(runs.get(0).parameters()).containsEntry(JobParameterNames.RUN, "2");
		assertThat(runs.get(0).outcomes()).containsExactly(entry("SENT", 1L));
		Result report = cli("report", lastExecution());
		assertThat(report.exitCode()).as(report.err()).isZero();
		assertThat(report.out()).contains("p2@example.org").doesNotContain("p1@example.org");
		Result status = cli("status");
		assertThat(status.out().lines().filter(line -> line.contains(" shape "))).hasSize(2)
			.anySatisfy(line -> assertThat(line).contains("resendJob").contains("COMPLETED"));
	}

	@Test
	void aResendStartedAsTheInvitationJobStillShowsAndRestartsAsIt() throws Exception {
		write("people.csv", peopleCsv(3));
		Path specFile = spec("legacy", "people.csv", "resend:", "  min-interval: 0s");
		Result run = cli("run", specFile.toString());
		assertThat(run.exitCode()).as(run.err()).isZero();
		// A resend as it was stored before it had a job of its own: the invitation job
		// with a resend's source. The mail server is down, so it fails after queuing.
		JobSpec spec = new SpecLoader().load(specFile);
		ResendFilter filter = new ResendFilter("p2@example.org", null, null, null, null);
		JobParameters parameters = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, "legacy")
			.addString(JobParameterNames.SPEC_CHECKSUM, spec.checksum())
			.addString(JobParameterNames.SOURCE_CHECKSUM, filter.describe())
			.addString(JobParameterNames.DRY_RUN, "false")
			.addLong(JobParameterNames.RUN, 2L)
			.addString(JobParameterNames.SPEC_PATH, specFile.toAbsolutePath().toString(), false)
			.addLong(JobParameterNames.SOURCE_ITEMS, 1L, false)
			.toJobParameters();
		SMTP_PATH.failAfterMessages(0);
		JobExecution failed;
		try {
			failed = jobOperator.start(invitationJob, parameters);
		}
		finally {
			SMTP_PATH.restore();
		}
		assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
		assertThat(steps()).contains("invitationJob select read 1 wrote 1");
		RunListing.RunRow listed = context.getBean(RunListing.class).one(failed.getId());
		assertThat(listed.resend()).isTrue();
		assertThat(listed.specName()).isEqualTo("legacy");
		assertThat(context.getBean(RunActions.class).of(failed.getId()).actions()).contains(RunActions.Action.RESTART);

		JobExecution restarted = context.getBean(InvitationLauncher.class).restart(failed.getId());

		assertThat(restarted.getStatus()).isEqualTo(BatchStatus.COMPLETED);
		assertThat(restarted.getJobInstance().getJobName()).isEqualTo("invitationJob");
		assertThat(restarted.getJobInstanceId()).isEqualTo(failed.getJobInstanceId());
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("p1@example.org", "p2@example.org", "p3@example.org", "p2@example.org");
		assertThat(count("SELECT count(*) FROM batch_job_instance WHERE job_name = 'resendJob'")).isZero();
	}

	@Test
	void aFailedResendRestartsAsTheResendJob() throws Exception {
		write("people.csv", peopleCsv(3));
		String spec = spec("again", "people.csv", "resend:", "  min-interval: 0s").toString();
		assertThat(cli("run", spec).exitCode()).isZero();
		SMTP_PATH.failAfterMessages(0);
		Result failed;
		try {
			failed = cli("resend", spec, "--email", "p2@example.org");
		}
		finally {
			SMTP_PATH.restore();
		}
		assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);

		Result restarted = cli("resend", spec, "--email", "p2@example.org");

		assertThat(restarted.exitCode()).as(restarted.err()).isZero();
		assertThat(jdbc.queryForList("""
				SELECT i.job_name || ' ' || e.status FROM batch_job_execution e
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id ORDER BY e.job_execution_id
				""", String.class)).containsExactly("invitationJob COMPLETED", "resendJob FAILED",
				"resendJob COMPLETED");
		assertThat(count("SELECT count(DISTINCT job_instance_id) FROM batch_job_execution")).isEqualTo(2);
		assertThat(received()).extracting(Mails::to)
			.containsExactlyInAnyOrder("p1@example.org", "p2@example.org", "p3@example.org", "p2@example.org");
	}

	private List<String> steps() {
		return jdbc.queryForList("""
				SELECT i.job_name || ' ' || s.step_name || ' read ' || s.read_count || ' wrote ' || s.write_count
				FROM batch_step_execution s JOIN batch_job_execution e ON e.job_execution_id = s.job_execution_id
				JOIN batch_job_instance i ON i.job_instance_id = e.job_instance_id
				ORDER BY s.job_execution_id, s.step_name
				""", String.class);
	}

	@Test
	void aSpecChangedSinceTheRunStartedIsRefusedBeforeAnyStep() throws Exception {
		write("people.csv", peopleCsv(2));
		Path spec = spec("changed", "people.csv");
		for (Job job : List.of(invitationJob, resendJob)) {
			JobParameters parameters = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, "changed")
				.addString(JobParameterNames.SPEC_CHECKSUM, "0".repeat(64))
				.addString(JobParameterNames.SOURCE_CHECKSUM,
						job == resendJob ? "resend:email=p1@example.org" : "0".repeat(64))
				.addString(JobParameterNames.DRY_RUN, "false")
				.addLong(JobParameterNames.RUN, 1L)
				.addString(JobParameterNames.SPEC_PATH, spec.toAbsolutePath().toString(), false)
				.toJobParameters();

			JobExecution execution = jobOperator.start(job, parameters);

			assertThat(execution.getStatus()).as(job.getName()).isEqualTo(BatchStatus.FAILED);
			assertThat(execution.getStepExecutions()).as(job.getName()).isEmpty();
			assertThat(execution.getAllFailureExceptions()).as(job.getName())
				.anySatisfy(failure -> assertThat(messages(failure))
					.contains("changed since this run started; restore it to restart the run, or start a new run"));
		}
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
