package org.invitations.job;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.mail.DkimSigning;
import org.invitations.events.InvitationEvents;
import org.invitations.InvitationsProperties;
import org.invitations.operations.Outcomes;
import org.invitations.smtp.MailGateway;
import org.invitations.expiry.ExpireTasklet;
import org.invitations.expiry.PurgeTasklet;
import org.invitations.expiry.RemindTasklet;
import org.invitations.run.ExecutionOwnership;
import org.invitations.run.JobNames;

/**
 * The expiry job: {@code expire} records the invitations that expired since its last run
 * (their history entries and events; each is expired from the moment its time passed),
 * {@code remind} sends the spec's one reminder to those that expire soon, {@code purge}
 * forgets the token hashes of invitations closed long ago and the per-person report rows
 * of runs that ended long ago (their totals stay). Each works in set-based batches, one
 * transaction each, so the job can stop anywhere and a restart or a second run only finds
 * what is left.
 */
@Configuration(proxyBeanMethods = false)
public class ExpiryJobConfiguration {

	/** Key in the job repository. */
	public static final String JOB_NAME = JobNames.EXPIRY;

	@Bean
	Job expiryJob(JobRepository jobRepository, Step expireStep, Step remindStep, Step purgeStep,
			ExecutionOwnership ownership) {
		// Owned by this process like an invitation run, so that SIGTERM stops it between
		// two batches.
		return new JobBuilder(JOB_NAME, jobRepository).start(expireStep)
			.next(remindStep)
			.next(purgeStep)
			.listener(ownership)
			.build();
	}

	/**
	 * Reminders before expiry, when the spec asks for them; after expire, so nothing
	 * expired is reminded.
	 */
	@Bean
	Step remindStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcTemplate jdbc,
			MailGateway gateway, InvitationsProperties properties, DkimSigning dkim, ObjectProvider<Outcomes> outcomes,
			InvitationEvents events) {
		TransactionTemplate own = new TransactionTemplate(transactionManager);
		own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		RemindTasklet tasklet = new RemindTasklet(jdbc, events, gateway, own, properties.mail().from(), dkim,
				counts -> outcomes.ifAvailable(o -> o.reminded(counts)));
		return new StepBuilder("remind", jobRepository).tasklet(tasklet, transactionManager).build();
	}

	@Bean
	Step expireStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcTemplate jdbc,
			InvitationEvents events) {
		return new StepBuilder("expire", jobRepository).tasklet(new ExpireTasklet(jdbc, events), transactionManager)
			.allowStartIfComplete(false)
			.build();
	}

	@Bean
	Step purgeStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcTemplate jdbc) {
		return new StepBuilder("purge", jobRepository).tasklet(new PurgeTasklet(jdbc), transactionManager).build();
	}

}
