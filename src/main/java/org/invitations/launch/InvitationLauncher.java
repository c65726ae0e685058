package org.invitations.launch;

import java.nio.file.Path;
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
import org.invitations.resend.ResendFilter;
import org.invitations.role.Roles;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;
import org.invitations.source.ImportLimits;
import org.invitations.spec.JobSpec;
import org.invitations.spec.Kind;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;
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

	private final Job resendJob;

	private final RunHistory history;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	private final InvitationsProperties properties;

	private final ExecutionOwnership ownership;

	private final SpecLock specLock;

	private final SourceInputs inputs;

	public InvitationLauncher(JobOperator jobOperator, JobRepository jobRepository,
			@Qualifier(JobNames.INVITATION) Job invitationJob, @Qualifier(JobNames.RESEND) Job resendJob,
			RunHistory history, JdbcTemplate jdbc, TransactionTemplate transaction, InvitationsProperties properties,
			ExecutionOwnership ownership, SpecLock specLock, ImportLimits importLimits) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.invitationJob = invitationJob;
		this.resendJob = resendJob;
		this.history = history;
		this.jdbc = jdbc;
		this.transaction = transaction;
		this.properties = properties;
		this.ownership = ownership;
		this.specLock = specLock;
		this.inputs = new SourceInputs(jdbc, importLimits);
	}

	/**
	 * Runs the spec to its end.
	 * @param abandonUnfinished abandon an unfinished run whose spec or input changed,
	 * instead of refusing
	 * @throws SpecException when the spec or its input cannot be used; nothing was
	 * written
	 */
	public JobExecution run(JobSpec spec, boolean dryRun, boolean abandonUnfinished) throws Exception {
		return launch(spec, inputs.of(spec), dryRun, abandonUnfinished);
	}

	/**
	 * Resends a spec's invitations that match the filter, as a run of the resend job:
	 * through the same delivery and report as a run, a new link each, the old one
	 * retired, within the spec's resend limits. It is one of the spec's runs: it
	 * continues the spec's unfinished last run if that is the same resend, and is refused
	 * while another one is unfinished.
	 */
	public JobExecution resend(JobSpec spec, ResendFilter filter, boolean dryRun) throws Exception {
		return launch(spec, inputs.resend(spec, filter), dryRun, false);
	}

	/**
	 * Continues exactly the run of that execution, as the console's and the API's Restart
	 * do: only if it is its spec's last run and unfinished, and the spec and its input
	 * (the file's SHA-256, the group's members, the resend's filter) are still those the
	 * run started with. Unlike {@link #run}, it never starts a new run: whatever the
	 * input now holds, nothing is sent that the run's operator did not launch.
	 * @throws SpecException when the spec or its input changed, or cannot be read
	 * @throws IllegalStateException when the run ended, or a later run or execution
	 * continued it
	 */
	public JobExecution restart(long executionId) throws Exception {
		JobExecution execution = jobRepository.getJobExecution(executionId);
		if (execution == null || !JobNames.INVITATION_RUNS.contains(execution.getJobInstance().getJobName())) {
			throw new IllegalArgumentException("no invitation run has execution " + executionId);
		}
		JobParameters parameters = execution.getJobParameters();
		JobSpec spec = new SpecLoader().load(Path.of(parameters.getString(JobParameterNames.SPEC_PATH)));
		if (!spec.checksum().equals(parameters.getString(JobParameterNames.SPEC_CHECKSUM))) {
			throw new SpecException(spec.file(), null, "changed since execution " + executionId
					+ " started: restore it to restart the run, or abandon the run and start a new one");
		}
		String source = parameters.getString(JobParameterNames.SOURCE_CHECKSUM);
		SourceInputs.Input input = source.startsWith("resend:") ? inputs.resend(spec, ResendFilter.parse(source))
				: inputs.of(spec);
		String startedWith = parameters.getString(JobParameterNames.SOURCE_DIGEST);
		if (!input.checksum().equals(source) || (startedWith != null && !startedWith.equals(input.digest()))) {
			throw new SpecException(spec.file(), null, SourceInputs.changed(spec, source) + " since execution "
					+ executionId + " started: restore it to restart the run, or abandon the run and start a new one");
		}
		boolean dryRun = Boolean.parseBoolean(parameters.getString(JobParameterNames.DRY_RUN));
		prepare(spec);
		try (SpecLock.Held held = specLock.acquire(spec.name())) {
			RunHistory.LastExecution last = history.last(spec.name(), dryRun);
			if (last == null || last.instanceId() != execution.getJobInstanceId()) {
				throw new IllegalStateException("a later run of '" + spec.name() + "' exists"
						+ (last == null ? "" : " (execution " + last.executionId() + ")")
						+ ": only the spec's last run can be continued");
			}
			if (!last.isUnfinished()) {
				throw new IllegalStateException("its run has ended " + last.status() + " (execution "
						+ last.executionId() + "): there is nothing left to continue");
			}
			if (last.executionId() != executionId) {
				throw new IllegalStateException("execution " + last.executionId()
						+ " continued this run: restart that one if it is unfinished");
			}
			return resume(spec, last);
		}
	}

	private JobExecution launch(JobSpec spec, SourceInputs.Input input, boolean dryRun, boolean abandonUnfinished)
			throws Exception {
		prepare(spec);
		try (SpecLock.Held held = specLock.acquire(spec.name())) {
			return launchLocked(spec, input, dryRun, abandonUnfinished);
		}
	}

	/**
	 * Refuses a spec whose role does not exist or whose templates cannot be used, before
	 * anything is written.
	 */
	private void prepare(JobSpec spec) {
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
	}

	private JobExecution launchLocked(JobSpec spec, SourceInputs.Input input, boolean dryRun, boolean abandonUnfinished)
			throws Exception {
		RunHistory.LastExecution last = history.last(spec.name(), dryRun);
		if (last != null && last.isUnfinished()) {
			boolean same = spec.checksum().equals(last.parameters().get(JobParameterNames.SPEC_CHECKSUM))
					&& input.checksum().equals(last.parameters().get(JobParameterNames.SOURCE_CHECKSUM));
			if (same) {
				return resume(spec, last);
			}
			requireNotRunning(spec, last);
			recover(jobRepository.getJobExecution(last.executionId()));
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
		JobParametersBuilder builder = new JobParametersBuilder().addString(JobParameterNames.SPEC_NAME, spec.name())
			.addString(JobParameterNames.SPEC_CHECKSUM, spec.checksum())
			.addString(JobParameterNames.SOURCE_CHECKSUM, input.checksum())
			.addString(JobParameterNames.DRY_RUN, Boolean.toString(dryRun))
			.addLong(JobParameterNames.RUN, run)
			.addString(JobParameterNames.SPEC_PATH, spec.file().toAbsolutePath().toString(), false)
			.addLong(JobParameterNames.SOURCE_ITEMS, input.items(), false);
		if (input.digest() != null) {
			builder.addString(JobParameterNames.SOURCE_DIGEST, input.digest(), false);
		}
		JobParameters parameters = builder.toJobParameters();
		log.info("Starting run {} of '{}'{}: {} items from {}", run, spec.name(), dryRun ? " (dry run)" : "",
				input.items(), input.checksum().startsWith("resend:") ? input.checksum()
						: spec.source().isCsv() ? spec.source().csv() : spec.source().describe());
		return jobOperator.start(input.checksum().startsWith("resend:") ? resendJob : invitationJob, parameters);
	}

	/**
	 * Restarts the spec's unfinished last run from what it committed, recovering it first
	 * if its process died; the caller holds the spec's lock. Spring Batch restarts it as
	 * a run of the job it was started with: a resend run started before the resend job
	 * existed continues as the invitation job (see {@code InvitationJobConfiguration}).
	 */
	private JobExecution resume(JobSpec spec, RunHistory.LastExecution last) throws Exception {
		requireNotRunning(spec, last);
		recover(jobRepository.getJobExecution(last.executionId()));
		log.info("Restarting run {} of '{}' (execution {} ended {})", last.parameters().get(JobParameterNames.RUN),
				spec.name(), last.executionId(), last.status());
		return jobOperator.restart(jobRepository.getJobExecution(last.executionId()));
	}

	/**
	 * Refuses an execution still marked running whose process may be alive; one whose
	 * process died, or lost the database, without ending it is recovered like any
	 * failure.
	 */
	private void requireNotRunning(JobSpec spec, RunHistory.LastExecution last) {
		if (!isRunning(last) && !last.status().equals("UNKNOWN")) {
			return;
		}
		java.util.Optional<String> gone = ownership.goneBecause(last.executionId());
		if (gone.isEmpty()) {
			throw new SpecException("run " + last.parameters().get(JobParameterNames.RUN) + " of '" + spec.name()
					+ "' (execution " + last.executionId() + ") is still running; wait for it to end");
		}
		log.warn("Execution {} is marked {} but {}: recovering it", last.executionId(), last.status(), gone.get());
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
		ownership.forget(execution.getId());
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

}
