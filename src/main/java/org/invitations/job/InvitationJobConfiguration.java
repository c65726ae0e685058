package org.invitations.job;

import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.database.JdbcPagingItemReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.InvitationsProperties;
import org.invitations.delivery.DeliveryStore;
import org.invitations.delivery.DeliveryWriter;
import org.invitations.delivery.Lane;
import org.invitations.delivery.DestinationProperties;
import org.invitations.delivery.PendingInvitationReader;
import org.invitations.guard.RecipientGuard;
import org.invitations.worker.DeliveryPartitioner;
import org.invitations.worker.Leases;
import org.invitations.worker.PartitionQueue;
import org.invitations.worker.PartitionedDelivery;
import org.invitations.worker.WorkerPartitionHandler;
import org.invitations.worker.WorkerProperties;
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
import org.invitations.source.SelectionMemberReaders;
import org.invitations.source.SourceRow;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;
import org.invitations.mail.DkimSigning;
import org.invitations.mail.MailComposer;
import org.invitations.smtp.MailGateway;
import org.invitations.mail.PendingInvitation;

/**
 * The invitation job and the resend job. {@code select} reads the source, validates,
 * upserts people and queues invitations (each chunk one transaction with its report rows
 * and the reader's position); {@code deliver} sends the queued invitations beside it,
 * from its first committed chunk on. The resend job's {@code select} reads earlier
 * invitations of the spec instead; its {@code deliver} is the same step. Steps are
 * job-scoped because their chunk size comes from the run's spec; readers and writers are
 * step-scoped.
 */
@Configuration(proxyBeanMethods = false)
public class InvitationJobConfiguration {

	private static final Logger log = LoggerFactory.getLogger(InvitationJobConfiguration.class);

	/** Key in the job repository: renaming it orphans every earlier run. */
	public static final String JOB_NAME = JobNames.INVITATION;

	private static final String SOURCE_CHECKSUM = "#{jobParameters['" + JobParameterNames.SOURCE_CHECKSUM + "']}";

	/**
	 * Resend runs started before the resend job existed are stored under this job, and
	 * Spring Batch restarts a run by the name of its job: such a run continues here, with
	 * the resend's {@code select} step, and ends as it began, a run of this job. Every
	 * other run takes the spec's source. Deciding builds the run's context, which
	 * re-reads the spec and refuses one changed since the run started, so that refusal
	 * comes here, in the job's thread, before either step exists.
	 */
	@Bean
	Job invitationJob(JobRepository jobRepository, Step selectStep, Step resendStep, Step deliverStep,
			ObjectProvider<RunContext> run, SelectionSignal signal, ExecutionOwnership ownership) {
		Flow deliver = new FlowBuilder<Flow>("deliverFlow").start(deliverStep).build();
		JobExecutionDecider earlierResend = (execution,
				step) -> new FlowExecutionStatus(run.getObject().sourceKind().equals("RESEND") ? "RESEND" : "SOURCE");
		return new JobBuilder(JOB_NAME, jobRepository).start(earlierResend)
			.on("RESEND")
			.to(besideDelivery("resendAndDeliver", resendStep, deliver))
			.from(earlierResend)
			.on("SOURCE")
			.to(besideDelivery("selectAndDeliver", selectStep, deliver))
			.end()
			.listener(ownership)
			.listener(signal)
			.build();
	}

	/**
	 * Resends earlier invitations of a spec that match the run's filter (its
	 * {@code source.checksum}, {@code resend:...}), through the same delivery as a run.
	 */
	@Bean
	Job resendJob(JobRepository jobRepository, Step resendStep, Step deliverStep, SelectionSignal signal,
			ExecutionOwnership ownership) {
		Flow deliver = new FlowBuilder<Flow>("deliverFlow").start(deliverStep).build();
		return new JobBuilder(JobNames.RESEND, jobRepository)
			.start(besideDelivery("resendAndDeliver", resendStep, deliver))
			.end()
			.listener(ownership)
			.listener(signal)
			.build();
	}

	/**
	 * Delivery starts with the first committed chunk of selection instead of waiting for
	 * all of it.
	 */
	private static Flow besideDelivery(String name, Step select, Flow deliver) {
		Flow selectFlow = new FlowBuilder<Flow>(name + ".select").start(select).build();
		return new FlowBuilder<Flow>(name).split(new SimpleAsyncTaskExecutor("invitation-step-"))
			.add(selectFlow, deliver)
			.build();
	}

	/**
	 * What every step of this execution knows about it; built once, when the job decides
	 * its route.
	 */
	@Bean
	@Scope("job")
	RunContext runContext(@Value("#{jobExecution}") JobExecution execution, SpecLoader specLoader) {
		return RunContexts.of(execution, specLoader);
	}

	@Bean
	@JobScope
	Step selectStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, RunContext run,
			CsvPersonReader csvPersonReader, JdbcPagingItemReader<SourceRow> groupMemberReader,
			JdbcPagingItemReader<SourceRow> selectionMemberReader, SelectionWriter selectionWriter,
			SelectionSignal signal, JdbcTemplate jdbc) {
		ItemStreamReader<SourceRow> reader = run.spec().source().isCsv() ? csvPersonReader
				: run.spec().source().isSelection() ? selectionMemberReader : groupMemberReader;
		return new StepBuilder("select", jobRepository).<SourceRow, Candidate>chunk(run.spec().chunkSize())
			.transactionManager(transactionManager)
			.reader(reader)
			.processor(new RowValidator())
			.writer(selectionWriter)
			.listener(signal)
			.listener(new PlannerStatistics(jdbc))
			.listener(new ProgressListener<SourceRow, Candidate>(run.dryRun() ? "check" : "select",
					InvitationJobConfiguration::sourceItems))
			.build();
	}

	/**
	 * The select step of the resend job: earlier invitations of the spec that match the
	 * run's filter.
	 */
	@Bean
	@JobScope
	Step resendStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, RunContext run,
			JdbcPagingItemReader<ResendCandidate> resendReader, ResendWriter resendWriter, SelectionSignal signal,
			JdbcTemplate jdbc) {
		return new StepBuilder("select", jobRepository).<ResendCandidate, ResendCandidate>chunk(run.spec().chunkSize())
			.transactionManager(transactionManager)
			.reader(resendReader)
			.writer(resendWriter)
			.listener(signal)
			.listener(new PlannerStatistics(jdbc))
			.listener(new ProgressListener<ResendCandidate, ResendCandidate>("resend",
					InvitationJobConfiguration::sourceItems))
			.build();
	}

	/**
	 * The deliver step: partitions of the run's queue, sent by this process when no
	 * worker is alive, otherwise by the workers (see {@link WorkerPartitionHandler}).
	 */
	@Bean
	@JobScope
	Step deliverStep(JobRepository jobRepository, RunContext run, Step deliverPartitionStep, PartitionQueue queue,
			Leases leases, WorkerProperties workers, JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
			InvitationEvents events) throws Exception {
		TransactionTemplate own = new TransactionTemplate(transactionManager);
		DeliveryStore claims = new DeliveryStore(jdbc, events, -1);
		WorkerPartitionHandler.ClaimsTakenBack takeBack = new WorkerPartitionHandler.ClaimsTakenBack() {

			@Override
			public void earlierExecutions() {
				inDoubt(own.execute(status -> claims.recoverClaims(run)), "an earlier execution of this run");
			}

			@Override
			public void ofPartition(long stepExecutionId) {
				inDoubt(own.execute(status -> claims.recoverClaims(run, stepExecutionId)),
						"partition execution " + stepExecutionId);
			}

		};
		return new PartitionedDelivery("deliver", jobRepository, new DeliveryPartitioner(),
				new WorkerPartitionHandler(deliverPartitionStep, jobRepository, queue, leases, workers, takeBack));
	}

	private static void inDoubt(Integer inDoubt, String who) {
		if (inDoubt != null && inDoubt > 0) {
			log.warn("{} invitations were on their way when {} stopped: they are sent again, with a new link, and"
					+ " reported as in doubt", inDoubt, who);
		}
	}

	/**
	 * One partition of the deliver step, run by this process or a worker: its share of
	 * the queue read, claimed, sent and recorded.
	 */
	@Bean
	@JobScope
	Step deliverPartitionStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			RunContext run, PendingInvitationReader pendingInvitationReader, DeliveryWriter deliveryWriter,
			StepExecutionListener deliveryStepListener, SelectionSignal signal, RecipientGuard guard) {
		// A resend names its invitations one filter at a time: max-recipients is for
		// runs, but a resend confirmed after its dry run is held to the number confirmed.
		RecipientGuard.Check guarded = guard.check(run.spec(), run.jobInstanceId(), !run.sourceKind().equals("RESEND"),
				() -> signal.awaitEnd(run.jobInstanceId(), run.jobExecutionId()));
		// A dry run sends nothing.
		boolean sends = !run.dryRun();
		return new StepBuilder("deliver", jobRepository)
			.<PendingInvitation, PendingInvitation>chunk(run.spec().chunkSize())
			.transactionManager(transactionManager)
			.reader(pendingInvitationReader)
			.writer(deliveryWriter)
			.listener(deliveryStepListener)
			.stream(sends ? guarded : new ItemStream() {
			})
			.listener(guarded)
			// People whose outcome is settled, not attempts: a refusal for now is read
			// again in a later pass.
			.listener(new ProgressListener<PendingInvitation, PendingInvitation>("deliver", "people",
					InvitationJobConfiguration::sourceItems, deliveryWriter::settled))
			.build();
	}

	/** The spec's CSV file, refused if it changed since the run checked it. */
	@Bean
	@StepScope
	CsvPersonReader csvPersonReader(RunContext run, ImportLimits importLimits,
			@Value(SOURCE_CHECKSUM) String sourceChecksum) {
		return new CsvPersonReader(Objects.requireNonNull(run.spec().source().csv()), sourceChecksum, importLimits);
	}

	/** The members of the spec's group, all or its admins. */
	@Bean
	@StepScope
	JdbcPagingItemReader<SourceRow> groupMemberReader(RunContext run, DataSource dataSource, JdbcTemplate jdbc)
			throws Exception {
		return GroupMemberReaders.reader(dataSource, groupId(jdbc, run), run.spec().source().members(),
				run.spec().chunkSize());
	}

	/** The people of the spec's stored selection, chosen in the console. */
	@Bean
	@StepScope
	JdbcPagingItemReader<SourceRow> selectionMemberReader(RunContext run, DataSource dataSource) throws Exception {
		return SelectionMemberReaders.reader(dataSource, Objects.requireNonNull(run.spec().source().selection()),
				run.spec().chunkSize());
	}

	@Bean
	@StepScope
	SelectionWriter selectionWriter(RunContext run, JdbcTemplate jdbc, ReportRepository reports,
			InvitationEvents events) {
		return new SelectionWriter(jdbc, run, new PersonStore(jdbc), reports, events);
	}

	@Bean
	@StepScope
	JdbcPagingItemReader<ResendCandidate> resendReader(RunContext run, DataSource dataSource) throws Exception {
		return ResendReaders.reader(dataSource, run.spec().name(), ResendFilter.parse(run.sourceRef()),
				run.spec().chunkSize());
	}

	@Bean
	@StepScope
	ResendWriter resendWriter(RunContext run, JdbcTemplate jdbc, ReportRepository reports) {
		return new ResendWriter(jdbc, run, reports);
	}

	/**
	 * Queued invitations of this run, as selection commits them, until selection is over
	 * and none is left.
	 */
	@Bean
	@StepScope
	PendingInvitationReader pendingInvitationReader(RunContext run, JdbcTemplate jdbc, SelectionSignal signal,
			JobRepository jobRepository, DeliveryWriter deliveryWriter,
			@Value("#{stepExecution}") StepExecution partition) {
		return new PendingInvitationReader(jdbc, signal, jobRepository, run.jobInstanceId(), Lane.of(partition),
				run.spec().chunkSize(), deliveryWriter.chunksOnTheirWay());
	}

	/**
	 * Opens the writer's senders and recorder with the step, and records what is left
	 * when it ends.
	 */
	@Bean
	@StepScope
	StepExecutionListener deliveryStepListener(DeliveryWriter deliveryWriter) {
		return deliveryWriter.listener();
	}

	/**
	 * Claims, sends and records; each send bracketed by commits of its own, hence the
	 * second transaction.
	 */
	@Bean
	@StepScope
	DeliveryWriter deliveryWriter(RunContext run, JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
			MailGateway gateway, InvitationsProperties properties, DkimSigning dkim, DestinationProperties destinations,
			InvitationEvents events, @Value("#{stepExecution}") StepExecution partition) {
		TransactionTemplate own = new TransactionTemplate(transactionManager);
		own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		MailComposer composer = new MailComposer(run.spec(), properties.mail().from(), dkim.signer(run.spec()));
		Lane lane = Lane.of(partition);
		return new DeliveryWriter(run, lane, new DeliveryStore(jdbc, events, lane.claimant()), gateway, composer, own,
				properties.mail(), destinations, jdbc);
	}

	private static long sourceItems(StepExecution step) {
		return step.getJobExecution().getJobParameters().getLong(JobParameterNames.SOURCE_ITEMS, 0L);
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
