package org.invitations.expiry;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The expiry job: {@code expire} closes open invitations past their expiry, {@code purge} forgets the token
 * hashes of invitations closed long ago. Both work in set-based batches, one transaction each, so the job can
 * stop anywhere and a restart or a second run only finds what is left.
 */
@Configuration(proxyBeanMethods = false)
public class ExpiryJobConfiguration {

	/** Key in the job repository. */
	public static final String JOB_NAME = "expiryJob";

	@Bean
	Job expiryJob(JobRepository jobRepository, Step expireStep, Step purgeStep) {
		return new JobBuilder(JOB_NAME, jobRepository).start(expireStep).next(purgeStep).build();
	}

	@Bean
	Step expireStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcTemplate jdbc) {
		return new StepBuilder("expire", jobRepository).tasklet(new ExpireTasklet(jdbc), transactionManager)
			.allowStartIfComplete(false)
			.build();
	}

	@Bean
	Step purgeStep(JobRepository jobRepository, PlatformTransactionManager transactionManager, JdbcTemplate jdbc) {
		return new StepBuilder("purge", jobRepository).tasklet(new PurgeTasklet(jdbc), transactionManager).build();
	}

}
