package org.invitations.notify;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

import org.invitations.InvitationsProperties;
import org.invitations.run.JobParameterNames;
import org.invitations.run.LaunchedBy;
import org.invitations.report.ReportRenderer;
import org.invitations.report.RunRecords;
import org.invitations.report.RunSummaries;
import org.invitations.report.RunSummary;
import org.invitations.spec.Notify;
import org.invitations.spec.SpecLoader;
import org.invitations.smtp.SendResult;
import org.invitations.smtp.MailGateway;
import org.invitations.mail.DkimSigner;
import org.invitations.mail.DkimSigning;
import org.invitations.mail.PreparedMessage;

/**
 * Listens to every job: records who launched each execution, and when one ends
 * (completed, failed, stopped or paused) emails its recipients and calls its webhook.
 * Whatever happens here is caught, logged in one line and recorded on the execution: a
 * notification never changes how a run ended or the exit code.
 */
@Component
public class RunNotifier implements JobExecutionListener, SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(RunNotifier.class);

	private final ObjectProvider<Job> jobs;

	private final RunRecords records;

	private final RunSummaries summaries;

	private final ReportRenderer renderer;

	private final MailGateway mail;

	private final NotifyProperties properties;

	private final String defaultFrom;

	private final ConsoleNotices notices;

	private final @Nullable DkimSigner signer;

	public RunNotifier(ObjectProvider<Job> jobs, RunRecords records, RunSummaries summaries, ReportRenderer renderer,
			MailGateway mail, NotifyProperties properties, InvitationsProperties invitations, ConsoleNotices notices,
			DkimSigning dkim) {
		this.notices = notices;
		this.signer = dkim.signer();
		this.jobs = jobs;
		this.records = records;
		this.summaries = summaries;
		this.renderer = renderer;
		this.mail = mail;
		this.properties = properties;
		this.defaultFrom = properties.from() != null ? properties.from() : invitations.mail().from();
	}

	/**
	 * Every job of the application, whoever launches it (command line, console,
	 * benchmark), tells this listener.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		jobs.orderedStream()
			.filter(AbstractJob.class::isInstance)
			.map(AbstractJob.class::cast)
			.forEach(job -> job.registerJobExecutionListener(this));
	}

	@Override
	public void beforeJob(JobExecution execution) {
		try {
			String actor = LaunchedBy.current();
			records.launched(execution.getId(), actor != null ? actor : System.getProperty("user.name", "unknown"),
					host());
		}
		catch (RuntimeException ex) {
			log.warn("Could not record who launched execution {}: {}", execution.getId(), ex.getMessage());
		}
	}

	@Override
	public void afterJob(JobExecution execution) {
		String actor = LaunchedBy.current();
		if (actor != null) {
			try {
				notices.ended(actor, summaries.of(execution.getId()), RunOutcome.of(execution));
			}
			catch (RuntimeException ex) {
				log.warn("Could not leave the console a notice of execution {}: {}", execution.getId(),
						ex.getMessage());
			}
		}
		try {
			notifyEnd(execution);
		}
		catch (RuntimeException | LinkageError ex) {
			fail(execution.getId(), "EMAIL", "notification", "could not notify: " + ex.getMessage());
		}
	}

	private void notifyEnd(JobExecution execution) {
		Notify spec = specNotify(execution);
		boolean dryRun = Boolean
			.parseBoolean(execution.getJobParameters().getString(JobParameterNames.DRY_RUN, "false"));
		if (dryRun && !spec.dryRuns()) {
			return;
		}
		Set<String> to = new LinkedHashSet<>(properties.to());
		to.addAll(spec.to());
		if (to.isEmpty() && spec.webhook() == null) {
			return;
		}
		RunOutcome outcome = RunOutcome.of(execution);
		RunSummary summary = summaries.of(execution.getId());
		// A run stopped on request is usually a process on its way out, given
		// invitations.stop-timeout to end: one try each, no waits between tries that
		// would outlast it and leave the notification neither sent nor recorded as
		// failed.
		int attempts = execution.getStatus() == BatchStatus.STOPPED ? 1 : Math.max(1, properties.attempts());
		// One message per address: each arrives, or fails and is recorded, on its own.
		for (String address : to) {
			email(summary, outcome, List.of(address), attempts);
		}
		if (spec.webhook() != null) {
			webhook(summary, spec.webhook(), attempts);
		}
	}

	private void email(RunSummary summary, RunOutcome outcome, List<String> to, int attempts) {
		long id = summary.execution().id();
		String target = String.join(", ", to);
		@Nullable String last = null;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			if (attempt > 1 && !backOff(attempt)) {
				break;
			}
			try (MailGateway.Connection connection = mail.open()) {
				PreparedMessage message = PreparedMessage.of(CompletionMail.build(mail.session(), defaultFrom, to,
						summary, outcome, renderer, properties.attachLimit().toBytes()));
				SendResult result = connection.send(signer == null ? message : message.signedBy(signer));
				if (result.status() == SendResult.Status.SENT) {
					records.notified(id, "EMAIL", target, true, result.reply());
					log.info("Notified {} that execution {} ended {}", target, id, outcome);
					return;
				}
				last = result.reply();
				if (result.status() == SendResult.Status.FAILED) {
					break;
				}
			}
			catch (Exception ex) {
				last = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
				if (ex instanceof jakarta.mail.MessagingException) {
					break;
				}
			}
		}
		fail(id, "EMAIL", target, "to " + mail.describe() + ": " + last);
	}

	private void webhook(RunSummary summary, URI url, int attempts) {
		long id = summary.execution().id();
		if (properties.webhookSecret() == null || properties.webhookSecret().isBlank()) {
			fail(id, "WEBHOOK", url.toString(),
					"invitations.notify.webhook-secret is not set: the summary is never sent" + " unsigned");
			return;
		}
		Webhook webhook = new Webhook(properties.timeout());
		String json = ReportRenderer.summaryJson(summary);
		Webhook.@Nullable Reply reply = null;
		for (int attempt = 1; attempt <= attempts; attempt++) {
			if (attempt > 1 && !backOff(attempt)) {
				break;
			}
			reply = webhook.post(url, json, properties.webhookSecret(), id);
			if (reply.accepted() || !reply.worthRetrying()) {
				break;
			}
		}
		if (reply != null && reply.accepted()) {
			records.notified(id, "WEBHOOK", url.toString(), true, reply.detail());
		}
		else {
			fail(id, "WEBHOOK", url.toString(), reply == null ? "not sent" : reply.detail());
		}
	}

	/**
	 * Waits before another attempt: the delay, doubled each time. False if the wait was
	 * interrupted.
	 */
	private boolean backOff(int attempt) {
		try {
			Thread.sleep(properties.retryDelay().toMillis() << Math.min(10, attempt - 2));
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * One line on stderr (the log) and a row on the execution, which status and report
	 * show.
	 */
	private void fail(long executionId, String channel, String target, String why) {
		log.warn("Notification of execution {} by {} to {} failed: {}", executionId, channel.toLowerCase(), target,
				why);
		try {
			records.notified(executionId, channel, target, false, why);
		}
		catch (RuntimeException ex) {
			log.warn("Could not record the failed notification of execution {}: {}", executionId, ex.getMessage());
		}
	}

	/**
	 * The spec's notify keys as the spec file says now; nobody but the configured default
	 * if it no longer loads.
	 */
	private static Notify specNotify(JobExecution execution) {
		String path = execution.getJobParameters().getString(JobParameterNames.SPEC_PATH);
		if (path == null || !Files.isRegularFile(Path.of(path))) {
			return Notify.NONE;
		}
		SpecLoader loader = new SpecLoader();
		try {
			Path file = Path.of(path);
			return loader.isExpirySpec(file) ? loader.loadExpiry(file).notifications()
					: loader.load(file).notifications();
		}
		catch (RuntimeException ex) {
			log.warn("{}: cannot read its notify keys: {}", path, ex.getMessage());
			return Notify.NONE;
		}
	}

	private static String host() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (java.io.IOException ex) {
			return "unknown";
		}
	}

}
