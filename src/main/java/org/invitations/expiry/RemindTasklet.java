package org.invitations.expiry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import org.invitations.events.InvitationEvents;
import org.invitations.run.ExpiryCounts;
import org.invitations.run.JobParameterNames;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;
import org.invitations.mail.DkimSigning;
import org.invitations.mail.MailComposer;
import org.invitations.smtp.MailServerUnavailableException;
import org.invitations.smtp.SenderRefusedException;
import org.invitations.smtp.SendResult;
import org.invitations.smtp.MailGateway;
import org.invitations.mail.PreparedMessage;

/**
 * Sends one batch of reminders per call: claims the due invitations (each marked reminded
 * and given a new link, the first kept valid beside it) in a transaction of its own,
 * sends them through the mail gateway with the spec's emails in the reminder template
 * set, then records each outcome, its history event and report row in another. A crash
 * between the two commits leaves those invitations reminded whether or not their message
 * left: a reminder is sent at most once, never twice. A reminder the server did not take
 * gives the first link back its place.
 */
public class RemindTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(RemindTasklet.class);

	/** Prefix of the counts by outcome in the step's execution context. */
	static final String COUNT_PREFIX = ExpiryCounts.REMINDED_PREFIX;

	/**
	 * Reminders claimed and sent per call: what a crash can leave reminded without its
	 * message.
	 */
	private static final int MAX_BATCH = 100;

	private final ReminderStore store;

	private final MailGateway gateway;

	private final TransactionTemplate own;

	private final String defaultFrom;

	private final SpecLoader specLoader = new SpecLoader();

	private final ReminderListener listener;

	private final DkimSigning dkim;

	public RemindTasklet(JdbcTemplate jdbc, InvitationEvents events, MailGateway gateway, TransactionTemplate own,
			String defaultFrom, DkimSigning dkim, ReminderListener listener) {
		this(new ReminderStore(jdbc, events), gateway, own, defaultFrom, dkim, listener);
	}

	RemindTasklet(ReminderStore store, MailGateway gateway, TransactionTemplate own, String defaultFrom,
			DkimSigning dkim, ReminderListener listener) {
		this.store = store;
		this.dkim = dkim;
		this.gateway = gateway;
		this.own = own;
		this.defaultFrom = defaultFrom;
		this.listener = listener;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		StepExecution step = chunkContext.getStepContext().getStepExecution();
		var parameters = step.getJobParameters();
		Long beforeSeconds = parameters.getLong(JobParameterNames.REMIND_BEFORE_SECONDS);
		if (beforeSeconds == null) {
			return RepeatStatus.FINISHED;
		}
		Duration before = Duration.ofSeconds(beforeSeconds);
		Duration minRemaining = Duration.ofSeconds(parameters.getLong(JobParameterNames.REMIND_MIN_SECONDS, 3600L));
		String templateSet = parameters.getString(JobParameterNames.REMIND_TEMPLATE, "reminder");
		int batch = (int) Math.min(MAX_BATCH, parameters.getLong(JobParameterNames.BATCH_SIZE, 10_000L));
		long instance = step.getJobExecution().getJobInstance().getInstanceId();
		long execution = step.getJobExecutionId();
		String actor = "job:" + parameters.getString(JobParameterNames.SPEC_NAME) + "#" + execution;

		List<ReminderStore.Due> due = own.execute(status -> store.claim(instance, before, minRemaining, batch));
		if (due == null || due.isEmpty()) {
			return RepeatStatus.FINISHED;
		}
		Map<String, Long> counts = new HashMap<>();
		Map<String, Object> composers = new HashMap<>();
		try (MailGateway.Connection connection = gateway.open()) {
			for (int i = 0; i < due.size(); i++) {
				ReminderStore.Due reminder = due.get(i);
				Object composer = composers.computeIfAbsent(reminder.specPath() == null ? "" : reminder.specPath(),
						path -> composer(path, templateSet));
				if (composer instanceof String problem) {
					finish(instance, execution, actor, reminder, "SKIPPED", problem.substring(0, problem.indexOf(':')),
							problem.substring(problem.indexOf(':') + 2), true, counts);
					continue;
				}
				PreparedMessage message = ((MailComposer) composer).compose(reminder.invitation(), reminder.token(),
						reminder.expiresAt());
				SendResult result;
				try {
					result = connection.send(message);
				}
				catch (MailServerUnavailableException | SenderRefusedException ex) {
					// Nothing left: the rest may be reminded by the restart, and this one
					// too.
					List<ReminderStore.Due> rest = due.subList(i, due.size());
					own.executeWithoutResult(status -> rest.forEach(r -> store.release(r, true)));
					throw ex;
				}
				switch (result.status()) {
					case SENT ->
						finish(instance, execution, actor, reminder, "SENT", result.inDoubt() ? "IN_DOUBT" : "REMINDER",
								"reminder sent: " + result.reply(), false, counts);
					case FAILED -> finish(instance, execution, actor, reminder, "FAILED", "SMTP_REJECTED",
							"reminder refused: " + result.reply(), false, counts);
					case DEFERRED -> finish(instance, execution, actor, reminder, "DEFERRED", "SMTP_TEMPORARY",
							"reminder refused for now, tried again by the next run: " + result.reply(), true, counts);
				}
			}
		}
		counts.forEach((outcome, n) -> step.getExecutionContext()
			.putLong(COUNT_PREFIX + outcome, step.getExecutionContext().getLong(COUNT_PREFIX + outcome, 0L) + n));
		contribution.incrementWriteCount(counts.getOrDefault("SENT", 0L));
		listener.reminded(counts);
		log.info("reminders: {}", counts);
		return due.size() < batch ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
	}

	private void finish(long instance, long execution, String actor, ReminderStore.Due reminder, String outcome,
			String reason, String detail, boolean release, Map<String, Long> counts) {
		own.executeWithoutResult(status -> {
			if (release || outcome.equals("FAILED")) {
				store.release(reminder, release);
			}
			store.record(instance, execution, actor, reminder, outcome, reason, detail);
		});
		counts.merge(outcome, 1L, Long::sum);
	}

	/**
	 * The composer of a spec's reminders, or {@code "REASON: why"} when its spec or
	 * templates cannot be used.
	 */
	private Object composer(String specPath, String templateSet) {
		if (specPath.isEmpty()) {
			return "SPEC_UNAVAILABLE: the run that sent it names no spec file";
		}
		try {
			JobSpec spec = specLoader.load(Path.of(specPath)).withTemplate(templateSet);
			MailComposer composer = new MailComposer(spec, defaultFrom, dkim.signer(spec));
			composer.checkTemplates(org.invitations.spec.Kind.INVITATION);
			composer.checkTemplates(org.invitations.spec.Kind.PASSWORD_RESET);
			return composer;
		}
		catch (SpecException ex) {
			log.warn("No reminders for invitations of {}: {}", specPath, ex.getMessage());
			return "SPEC_UNAVAILABLE: " + ex.getMessage();
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			log.warn("No reminders for invitations of {}: {}", specPath, ex.getMessage());
			return "NO_REMINDER_TEMPLATE: " + ex.getMessage();
		}
	}

	/**
	 * Told how many reminders each call sent, failed, deferred or skipped (for metrics).
	 */
	public interface ReminderListener {

		void reminded(Map<String, Long> countsByOutcome);

	}

}
