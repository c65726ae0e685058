package org.invitations.job;

import javax.sql.DataSource;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.InvitationsProperties;
import org.invitations.delivery.DeliveryStore;
import org.invitations.delivery.DeliveryWriter;
import org.invitations.delivery.MailComposer;
import org.invitations.delivery.MailGateway;
import org.invitations.delivery.PendingInvitation;
import org.invitations.delivery.PendingInvitationReader;
import org.invitations.guard.RecipientGuard;
import org.invitations.report.ReportRepository;
import org.invitations.resend.ResendCandidate;
import org.invitations.resend.ResendFilter;
import org.invitations.resend.ResendReaders;
import org.invitations.resend.ResendWriter;
import org.invitations.run.ExecutionOwnership;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;
import org.invitations.run.ProgressListener;
import org.invitations.run.RunContext;
import org.invitations.run.RunContexts;
import org.invitations.run.SelectionSignal;
import org.invitations.selection.Candidate;
import org.invitations.selection.PersonStore;
import org.invitations.selection.RowValidator;
import org.invitations.selection.SelectionWriter;
import org.invitations.source.CsvPersonReader;
import org.invitations.source.GroupMemberReaders;
import org.invitations.source.ImportLimits;
import org.invitations.source.SourceRow;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * The invitation job: {@code select} reads the source, validates, upserts people and queues invitations
 * (each chunk one transaction with the report rows and the reader's position); {@code deliver} then sends the
 * queued invitations, beside {@code select}, from its first committed chunk on. A resend run is the same job
 * whose {@code select} reads earlier invitations instead. Steps are job-scoped because the chunk size and source come from the run's spec.
 */
@Configuration(proxyBeanMethods = false)
public class InvitationJobConfiguration {

	/** Key in the job repository: renaming it orphans every earlier run. */
	public static final String JOB_NAME = JobNames.INVITATION;

	@Bean
	Job invitationJob(JobRepository jobRepository, Step selectStep, Step deliverStep, SelectionSignal signal,
			ExecutionOwnership ownership) {
		// Delivery starts with the first committed chunk of selection instead of waiting for all of it.
		Flow select = new FlowBuilder<Flow>("selectFlow").start(selectStep).build();
		Flow deliver = new FlowBuilder<Flow>("deliverFlow").start(deliverStep).build();
		Flow both = new FlowBuilder<Flow>("selectAndDeliver").split(new SimpleAsyncTaskExecutor("invitation-step-"))
			.add(select, deliver)
			.build();
		return new JobBuilder(JOB_NAME, jobRepository).start(both).end().listener(ownership).listener(new JobExecutionListener() {
			@Override
			public void beforeJob(JobExecution jobExecution) {
				// Create both job-scoped steps here, in one thread, rather than concurrently in the split's threads.
				selectStep.getName();
				deliverStep.getName();
			}

			@Override
			public void afterJob(JobExecution jobExecution) {
				signal.forget(jobExecution.getId());
			}
		}).build();
	}

	/** Tells the deliver step when the select step committed a chunk and when it ended. */
	private static Object signalling(SelectionSignal signal, JdbcTemplate jdbc) {
		return new SelectionListener(signal, jdbc, new java.util.concurrent.atomic.AtomicLong());
	}

	private record SelectionListener(SelectionSignal signal, JdbcTemplate jdbc,
			java.util.concurrent.atomic.AtomicLong items) implements StepExecutionListener, ChunkListener<Object, Object> {

		@Override
		public void afterChunk(Chunk<Object> chunk) {
			signal.queued();
			long before = items.getAndAdd(chunk.size());
			// A bulk run can grow the tables tenfold before autovacuum looks: refresh the planner's statistics each
			// time the run's size doubles (from 1,024 items) so that the per-chunk statements keep their index plans.
			// Ten times for a million items, a fraction of a second each.
			long after = before + chunk.size();
			if (after >= 1024 && Long.highestOneBit(before) < Long.highestOneBit(after)) {
				jdbc.execute("ANALYZE invitation, job_report_item, person");
			}
		}

		@Override
		public ExitStatus afterStep(StepExecution stepExecution) {
			signal.ended(stepExecution.getJobExecutionId());
			return stepExecution.getExitStatus();
		}

	}

	@Bean
	@JobScope
	Step selectStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, DataSource dataSource,
			JdbcTemplate jdbc, SpecLoader specLoader, ReportRepository reports, SelectionSignal signal,
			ImportLimits importLimits) throws Exception {
		RunContext run = RunContexts.current(specLoader);
		int chunkSize = run.spec().chunkSize();
		if (run.sourceKind().equals("RESEND")) {
			return new StepBuilder("select", jobRepository).<ResendCandidate, ResendCandidate>chunk(chunkSize)
				.transactionManager(transactionManager)
				.reader(ResendReaders.reader(dataSource, run.spec().name(), ResendFilter.parse(run.sourceRef()), chunkSize))
				.writer(new ResendWriter(jdbc, run, reports))
				.listener(signalling(signal, jdbc))
				.listener(new ProgressListener<ResendCandidate, ResendCandidate>("resend",
						step -> step.getJobExecution().getJobParameters().getLong(JobParameterNames.SOURCE_ITEMS, 0L)))
				.build();
		}
		ItemStreamReader<SourceRow> reader = run.spec().source().isCsv()
				? new CsvPersonReader(run.spec().source().csv(),
						executionParameter(JobParameterNames.SOURCE_CHECKSUM), importLimits)
				: GroupMemberReaders.reader(dataSource, groupId(jdbc, run), run.spec().source().members(), chunkSize);
		return new StepBuilder("select", jobRepository).<SourceRow, Candidate>chunk(chunkSize)
			.transactionManager(transactionManager)
			.reader(reader)
			.processor(new RowValidator())
			.writer(new SelectionWriter(jdbc, run, new PersonStore(jdbc), reports))
			.listener(signalling(signal, jdbc))
			.listener(new ProgressListener<SourceRow, Candidate>(run.dryRun() ? "check" : "select",
					step -> step.getJobExecution().getJobParameters().getLong(JobParameterNames.SOURCE_ITEMS, 0L)))
			.build();
	}

	@Bean
	@JobScope
	Step deliverStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, DataSource dataSource,
			JdbcTemplate jdbc, SpecLoader specLoader, MailGateway gateway, InvitationsProperties properties,
			SelectionSignal signal, RecipientGuard guard) throws Exception {
		RunContext run = RunContexts.current(specLoader);
		MailComposer composer = new MailComposer(run.spec(), properties.mail().from());
		TransactionTemplate own = new TransactionTemplate(transactionManager);
		own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		DeliveryWriter writer = new DeliveryWriter(run, new DeliveryStore(jdbc), gateway, composer, own, properties.mail());
		RecipientGuard.Check guarded = guard.check(run.spec(), run.jobInstanceId(),
				() -> signal.awaitEnd(run.jobInstanceId(), run.jobExecutionId()));
		// A dry run sends nothing and a resend names its invitations one filter at a time: the guard is for runs.
		boolean sends = !run.dryRun() && !run.sourceKind().equals("RESEND");
		return new StepBuilder("deliver", jobRepository).<PendingInvitation, PendingInvitation>chunk(run.spec().chunkSize())
			.transactionManager(transactionManager)
			.reader(new PendingInvitationReader(jdbc, signal, run.jobInstanceId(), run.jobExecutionId(), run.spec().chunkSize(),
					writer::endOfInput))
			.writer(writer)
			.listener((Object) writer)
			.stream(sends ? guarded : new org.springframework.batch.infrastructure.item.ItemStream() {
			})
			.listener(guarded)
			.listener(new ProgressListener<PendingInvitation, PendingInvitation>("deliver",
					step -> step.getJobExecution().getJobParameters().getLong(JobParameterNames.SOURCE_ITEMS, 0L)))
			.build();
	}

	private static String executionParameter(String name) {
		return org.springframework.batch.core.scope.context.JobSynchronizationManager.getContext()
			.getJobExecution()
			.getJobParameters()
			.getString(name);
	}

	private static long groupId(JdbcTemplate jdbc, RunContext run) {
		Long id = jdbc.query("SELECT id FROM person_group WHERE name = ?", rs -> rs.next() ? rs.getLong(1) : null,
				run.spec().source().group());
		if (id != null) {
			return id;
		}
		throw new SpecException(run.spec().file(), "key 'source.group'",
				"no group named '" + run.spec().source().group() + "'");
	}

}
