package org.invitations.guard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import org.invitations.run.BatchMetadata;
import org.invitations.spec.JobSpec;

/**
 * Holds a run's delivery until its selection is over when a limit applies, then counts
 * what it would send and lets it go only under the limit or with the exact number
 * confirmed. The check is a listener of the deliver step, so it sits after selection and
 * before the first claim: a blocked run has queued its invitations (the report says what
 * it would do) but claimed, issued and sent nothing. Once passed, the run's restarts are
 * not asked again.
 */
@Component
@EnableConfigurationProperties(GuardProperties.class)
public class RecipientGuard {

	/**
	 * In the deliver step's context once the guard let the run go, so that a restart is
	 * not held again.
	 */
	static final String PASSED = "guard.passed";

	/** The deliver step's exit code when the guard held the run. */
	public static final String NEEDS_CONFIRMATION = "NEEDS_CONFIRMATION";

	private static final Logger log = LoggerFactory.getLogger(RecipientGuard.class);

	private final GuardProperties properties;

	private final JdbcTemplate jdbc;

	private final JobRepository jobRepository;

	private final BatchMetadata metadata;

	/**
	 * Confirmations given by the command (or schedule) that launches a spec, by spec
	 * name, for its launch only.
	 */
	private final Map<String, Long> confirmations = new ConcurrentHashMap<>();

	public RecipientGuard(GuardProperties properties, JdbcTemplate jdbc, JobRepository jobRepository,
			BatchMetadata metadata) {
		this.properties = properties;
		this.jdbc = jdbc;
		this.jobRepository = jobRepository;
		this.metadata = metadata;
	}

	/** The limit that applies to the spec, or {@code null} for none. */
	public Long limit(JobSpec spec) {
		Long limit = spec.operations().maxRecipients() != null ? spec.operations().maxRecipients()
				: properties.maxRecipients();
		return limit == null || limit <= 0 ? null : limit;
	}

	/**
	 * Confirms the next launch of the spec in this process with the number it would send;
	 * close the returned handle once the launch returns.
	 */
	public AutoCloseable confirm(String specName, Long wouldSend) {
		if (wouldSend == null) {
			return () -> {
			};
		}
		confirmations.put(specName, wouldSend);
		return () -> confirmations.remove(specName);
	}

	/**
	 * The check, for the deliver step of a run that sends (not a dry run nor a resend: a
	 * dry run sends nothing, and a resend names its invitations one filter at a time):
	 * register it as the step's stream and as its listener. It checks when the step opens
	 * its streams, after every listener's {@code beforeStep}, so that the writer is set
	 * up and winds down as after any failure.
	 * @param limited whether the spec's {@code max-recipients} applies (a run), or only a
	 * confirmed number (a resend confirmed after its dry run)
	 * @param selectionEnd waits until the run's select step has ended, however it ended
	 */
	public Check check(JobSpec spec, long jobInstanceId, boolean limited, Runnable selectionEnd) {
		return new Check(spec, jobInstanceId, limited, selectionEnd);
	}

	/** The check of one run; see {@link RecipientGuard#check}. */
	public final class Check implements StepExecutionListener, ItemStream {

		private final JobSpec spec;

		private final long jobInstanceId;

		private final boolean limited;

		private final Runnable selectionEnd;

		private Check(JobSpec spec, long jobInstanceId, boolean limited, Runnable selectionEnd) {
			this.spec = spec;
			this.jobInstanceId = jobInstanceId;
			this.limited = limited;
			this.selectionEnd = selectionEnd;
		}

		@Override
		public void open(ExecutionContext context) {
			Long limit = limited ? limit(spec) : null;
			Long confirmed = confirmations.get(spec.name());
			if ((limit == null && confirmed == null) || context.containsKey(PASSED)) {
				return;
			}
			awaitSelection();
			long wouldSend = jdbc.queryForObject(
					"SELECT count(*) FROM invitation WHERE delivery_instance_id = ? AND status IN ('QUEUED', 'SENDING')",
					Long.class, jobInstanceId);
			boolean over = limit != null && wouldSend > limit;
			if ((confirmed != null && confirmed != wouldSend) || (over && confirmed == null)) {
				throw new RecipientLimitExceededException(spec.name(), wouldSend, limit == null ? 0 : limit, confirmed);
			}
			if (over) {
				log.warn("'{}': {} emails, more than max-recipients {}, confirmed with --confirm {}", spec.name(),
						wouldSend, limit, confirmed);
			}
			context.putLong(PASSED, wouldSend);
			jobRepository.updateExecutionContext(StepSynchronizationManager.getContext().getStepExecution());
		}

		@Override
		public ExitStatus afterStep(StepExecution step) {
			for (Throwable failure : step.getFailureExceptions()) {
				for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null
						: cause.getCause()) {
					if (cause instanceof RecipientLimitExceededException held) {
						return new ExitStatus(NEEDS_CONFIRMATION, held.getMessage());
					}
				}
			}
			log.debug("deliver step failures: {}", step.getFailureExceptions());
			return step.getExitStatus();
		}

		/** Whether this run's selection ended on a request to stop. */
		private boolean stopped() {
			JobExecution execution = StepSynchronizationManager.getContext().getStepExecution().getJobExecution();
			boolean selectionStopped = execution.getStepExecutions()
				.stream()
				.anyMatch(step -> step.getStepName().equals("select")
						&& (step.getStatus() == BatchStatus.STOPPED || step.isTerminateOnly()));
			// As stored: a stop may have been asked for from another process.
			String status = metadata.status(execution.getId());
			return selectionStopped || "STOPPING".equals(status) || "STOPPED".equals(status);
		}

		/** Selection runs beside delivery: the count is only known once it is over. */
		private void awaitSelection() {
			selectionEnd.run();
			if (!metadata.stepCompleted(jobInstanceId, "select")) {
				if (stopped()) {
					// Stopped on request, not failed: the step ends STOPPED like the
					// selection (an interruption is how Spring Batch tells the two), and
					// the run exits 3, to be continued.
					throw new ItemStreamException("selection was stopped before it ended",
							new JobInterruptedException("selection was stopped; nothing was sent"));
				}
				throw new IllegalStateException(
						"selection did not complete: nothing is sent before it does (max-recipients)");
			}
		}

	}

}
