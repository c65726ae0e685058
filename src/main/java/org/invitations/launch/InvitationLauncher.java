package org.invitations.launch;

import java.time.LocalDateTime;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.run.ExecutionOwnership;
import org.invitations.job.InvitationJobConfiguration;
import org.invitations.resend.ResendFilter;
import org.invitations.role.Roles;
import org.invitations.resend.ResendReaders;
import org.invitations.run.JobParameterNames;
import org.invitations.source.CsvFiles;
import org.invitations.source.ImportLimits;
import org.invitations.source.GroupMemberReaders;
import org.invitations.spec.JobSpec;
import org.invitations.spec.Kind;
import org.invitations.spec.SpecException;
import org.invitations.mail.MailComposer;

/**
 * Runs a spec: checks its input before anything is written, then restarts the spec's
 * unfinished run if there is one (same spec and input), or starts the next run.
 */
@Service
public class InvitationLauncher {

	private static final Logger log = LoggerFactory.getLogger(InvitationLauncher.class);

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job invitationJob;

	private final RunHistory history;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final InvitationsProperties properties;

	private final ExecutionOwnership ownership;

	private final SpecLock specLock;

	private final ImportLimits importLimits;

	public InvitationLauncher(JobOperator jobOperator, JobRepository jobRepository,
			@Qualifier(InvitationJobConfiguration.JOB_NAME) Job invitationJob, RunHistory history, JdbcTemplate jdbc,
			TransactionTemplate transaction, InvitationsProperties properties, ExecutionOwnership ownership,
			SpecLock specLock, ImportLimits importLimits) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.invitationJob = invitationJob;
		this.history = history;
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.properties = properties;
		this.ownership = ownership;
		this.specLock = specLock;
		this.importLimits = importLimits;
	}

	/**
	 * Runs the spec to its end.
	 * @param abandonUnfinished abandon an unfinished run whose spec or input changed,
	 * instead of refusing
	 * @throws SpecException when the spec or its input cannot be used; nothing was
	 * written
	 */
	public JobExecution run(JobSpec spec, boolean dryRun, boolean abandonUnfinished) throws Exception {
		return launch(spec, checkInput(spec), dryRun, abandonUnfinished);
	}

	/**
	 * Resends a spec's invitations that match the filter, through the same delivery and
	 * report as a run: a new link each, the old one retired, within the spec's resend
	 * limits.
	 */
	public JobExecution resend(JobSpec spec, ResendFilter filter, boolean dryRun) throws Exception {
		long items = ResendReaders.count(jdbc.getDataSource(), spec.name(), filter);
		return launch(spec, new Input(filter.describe(), items), dryRun, false);
	}

	private JobExecution launch(JobSpec spec, Input input, boolean dryRun, boolean abandonUnfinished) throws Exception {
		new Roles(jdbc).requireKnown(spec.file(), spec.role());
		MailComposer composer = new MailComposer(spec, properties.mail().from());
		for (Kind kind : spec.kind() == Kind.AUTO ? new Kind[] { Kind.INVITATION, Kind.PASSWORD_RESET }
				: new Kind[] { spec.kind() }) {
			try {
				composer.checkTemplates(kind);
			}
			catch (IllegalStateException ex) {
				throw new SpecException(spec.file(), "key 'template'", ex.getMessage());
			}
		}
		try (SpecLock.Held held = specLock.acquire(spec.name())) {
			return launchLocked(spec, input, dryRun, abandonUnfinished);
		}
	}

	private JobExecution launchLocked(JobSpec spec, Input input, boolean dryRun, boolean abandonUnfinished)
			throws Exception {
		RunHistory.LastExecution last = history.last(spec.name(), dryRun);
		if (last != null && last.isUnfinished()) {
			boolean same = spec.checksum().equals(last.parameters().get(JobParameterNames.SPEC_CHECKSUM))
					&& input.checksum().equals(last.parameters().get(JobParameterNames.SOURCE_CHECKSUM));
			if (isRunning(last) || last.status().equals("UNKNOWN")) {
				java.util.Optional<String> gone = ownership.goneBecause(last.executionId());
				if (gone.isEmpty()) {
					throw new SpecException(
							"run " + last.parameters().get(JobParameterNames.RUN) + " of '" + spec.name()
									+ "' (execution " + last.executionId() + ") is still running; wait for it to end");
				}
				// The process died, or lost the database, without ending its execution:
				// mark it failed, then restart it
				// like any failure.
				log.warn("Execution {} is marked {} but {}: recovering it", last.executionId(), last.status(),
						gone.get());
			}
			recover(jobRepository.getJobExecution(last.executionId()));
			if (same) {
				log.info("Restarting run {} of '{}' (execution {} ended {})",
						last.parameters().get(JobParameterNames.RUN), spec.name(), last.executionId(), last.status());
				return jobOperator.restart(jobRepository.getJobExecution(last.executionId()));
			}
			last = history.last(spec.name(), dryRun);
			if (!abandonUnfinished) {
				throw new SpecException("run " + last.parameters().get(JobParameterNames.RUN) + " of '" + spec.name()
						+ "' (execution " + last.executionId() + ") ended " + last.status()
						+ " and its spec or input has changed since; restore them to restart it, or pass"
						+ " --abandon-unfinished to give it up and start a new run");
			}
			abandon(last, spec);
		}
		long run = history.nextRun(spec.name());
		JobParameters parameters = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, spec.name())
			.addString(JobParameterNames.SPEC_CHECKSUM, spec.checksum())
			.addString(JobParameterNames.SOURCE_CHECKSUM, input.checksum())
			.addString(JobParameterNames.DRY_RUN, Boolean.toString(dryRun))
			.addLong(JobParameterNames.RUN, run)
			.addString(JobParameterNames.SPEC_PATH, spec.file().toAbsolutePath().toString(), false)
			.addLong(JobParameterNames.SOURCE_ITEMS, input.items(), false)
			.toJobParameters();
		log.info("Starting run {} of '{}'{}: {} items from {}", run, spec.name(), dryRun ? " (dry run)" : "",
				input.items(), input.checksum().startsWith("resend:") ? input.checksum()
						: spec.source().isCsv() ? spec.source().csv() : "group " + spec.source().group());
		return jobOperator.start(invitationJob, parameters);
	}

	/**
	 * Makes an unfinished execution restartable: one still marked running (its process is
	 * known to be gone) is marked failed by Spring Batch's own recovery, and one whose
	 * last commit had an unknown outcome (the database went away just then) ends UNKNOWN,
	 * which Spring Batch never restarts, and is marked failed too. That is safe: each
	 * chunk commits its data together with its step's position, and delivery's sends are
	 * bracketed by commits of their own, so a restart from what was committed neither
	 * loses nor repeats anything.
	 */
	private void recover(JobExecution execution) {
		if (execution.isRunning()) {
			jobOperator.recover(execution);
			execution = jobRepository.getJobExecution(execution.getId());
		}
		for (StepExecution step : execution.getStepExecutions()) {
			if (step.getStatus() == BatchStatus.UNKNOWN || step.getStatus().isRunning()) {
				step.setStatus(BatchStatus.FAILED);
				step.setEndTime(LocalDateTime.now());
				jobRepository.update(step);
			}
		}
		if (execution.getStatus() == BatchStatus.UNKNOWN) {
			execution.setStatus(BatchStatus.FAILED);
			execution.setEndTime(LocalDateTime.now());
			jobRepository.update(execution);
		}
	}

	private void abandon(RunHistory.LastExecution last, JobSpec spec) throws Exception {
		jobOperator.abandon(last.executionId());
		int cancelled = transaction.execute(status -> history.cancelQueued(last.instanceId(),
				"operator: abandon of '" + spec.name() + "' execution " + last.executionId()));
		log.warn("Abandoned execution {}; {} queued invitations of it cancelled", last.executionId(), cancelled);
	}

	private static boolean isRunning(RunHistory.LastExecution last) {
		return Map.of("STARTING", true, "STARTED", true, "STOPPING", true).containsKey(last.status());
	}

	private Input checkInput(JobSpec spec) {
		if (spec.source().isCsv()) {
			CsvFiles.Inspection inspection = CsvFiles.inspect(spec.source().csv(), importLimits);
			if (!inspection.columns().ignored().isEmpty()) {
				log.warn("{}: ignoring unknown columns {}", spec.source().csv(), inspection.columns().ignored());
			}
			return new Input(inspection.checksum(), inspection.rows());
		}
		Long groupId = jdbc.query("SELECT id FROM person_group WHERE name = ?", rs -> rs.next() ? rs.getLong(1) : null,
				spec.source().group());
		if (groupId == null) {
			throw new SpecException(spec.file(), "key 'source.group'",
					"no group named '" + spec.source().group() + "'");
		}
		Long members = jdbc.queryForObject(
				"SELECT count(*) FROM group_member WHERE group_id = ?"
						+ (spec.source().members() == JobSpec.Members.ADMINS ? " AND member_role = 'admin'" : ""),
				Long.class, groupId);
		return new Input(GroupMemberReaders.describe(spec.source()), members);
	}

	private record Input(String checksum, long items) {
	}

}
