package org.invitations.worker;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import org.invitations.InvitationsProperties;
import org.invitations.run.ExecutionOwnership;
import org.invitations.smtp.MailGateway;

/**
 * The worker of this process, made only when {@code worker} (or {@code serve} with
 * {@code invitations.workers.enabled}) asks for it.
 */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {

	@Bean
	@Lazy
	DeliveryWorker deliveryWorker(@Qualifier("deliverPartitionStep") Step deliverPartitionStep,
			JobRepository jobRepository, PartitionQueue queue, Leases leases, WorkerProperties settings,
			ExecutionOwnership ownership, MailGateway gateway, InvitationsProperties properties, MeterRegistry meters) {
		return new DeliveryWorker(deliverPartitionStep, jobRepository, queue, leases, settings, ownership,
				gateway.describe(), properties.mail().connections(), meters);
	}

}
