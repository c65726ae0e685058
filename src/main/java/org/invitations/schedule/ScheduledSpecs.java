package org.invitations.schedule;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

import org.invitations.launch.ExpiryLauncher;
import org.invitations.launch.InvitationLauncher;
import org.invitations.spec.ExpirySpec;
import org.invitations.spec.JobSpec;
import org.invitations.spec.Schedule;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * Runs every spec of the jobs folder that has a {@code schedule:} at its times,
 * re-reading the folder every {@code invitations.scheduler.poll} (a changed file is
 * rescheduled, a removed one unscheduled). A trigger runs the spec through the same
 * launcher as {@code run}, so the same lock, restart and recovery rules hold; a run is
 * identified by its spec and scheduled date (in the schedule's zone): a trigger whose
 * date already completed does nothing, one whose date's run did not complete launches it
 * again (which restarts it). On start, a spec that ran by schedule before and whose last
 * trigger time passed with no run of that date (the server was down) runs once.
 */
@Component
@ConditionalOnProperty(prefix = "invitations.scheduler", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(SchedulerProperties.class)
public class ScheduledSpecs implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ScheduledSpecs.class);

	private final SchedulerProperties properties;

	private final InvitationLauncher invitations;

	private final ExpiryLauncher expiry;

	private final ScheduledRuns runs;

	private final SpecLoader loader = new SpecLoader();

	private final Map<Path, Entry> entries = new ConcurrentHashMap<>();

	/**
	 * Files that could not be read, by modification time, so that each mistake is logged
	 * once.
	 */
	private final Map<Path, Long> broken = new HashMap<>();

	private ThreadPoolTaskScheduler scheduler;

	private volatile boolean running;

	public ScheduledSpecs(SchedulerProperties properties, InvitationLauncher invitations, ExpiryLauncher expiry,
			ScheduledRuns runs) {
		this.properties = properties;
		this.invitations = invitations;
		this.expiry = expiry;
		this.runs = runs;
	}

	private record Entry(ScheduledSpec spec, ScheduledFuture<?> future) {
	}

	@Override
	public void start() {
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(Math.max(1, properties.threads()) + 1);
		scheduler.setThreadNamePrefix("scheduled-spec-");
		scheduler.setWaitForTasksToCompleteOnShutdown(true);
		scheduler.setAwaitTerminationSeconds(30);
		scheduler.initialize();
		running = true;
		log.info("Scheduling the specs of {} (looked at every {})", properties.folder().toAbsolutePath(),
				properties.poll());
		scheduler.execute(() -> {
			scan(properties.catchUp());
			scheduler.scheduleWithFixedDelay(() -> scan(false), Instant.now().plus(properties.poll()),
					properties.poll());
		});
	}

	@Override
	public void stop() {
		running = false;
		entries.values().forEach(entry -> entry.future().cancel(false));
		entries.clear();
		scheduler.shutdown();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	/** The next time each scheduled spec runs, by spec file (for the console). */
	public Map<Path, ZonedDateTime> nextRuns() {
		Map<Path, ZonedDateTime> next = new HashMap<>();
		entries.forEach((file, entry) -> {
			Schedule schedule = entry.spec().schedule();
			ZonedDateTime at = schedule.expression().next(ZonedDateTime.now(schedule.zone()));
			if (at != null) {
				next.put(file, at);
			}
		});
		return next;
	}

	/**
	 * Reads the folder: schedules new specs, reschedules changed ones, drops removed
	 * ones.
	 */
	void scan(boolean catchUp) {
		Set<Path> seen = new HashSet<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(properties.folder(), "*.{yml,yaml}")) {
			for (Path file : files) {
				seen.add(file);
				long modified = Files.getLastModifiedTime(file).toMillis();
				Entry current = entries.get(file);
				if (current != null && current.spec().modified() == modified) {
					continue;
				}
				if (current != null) {
					current.future().cancel(false);
					entries.remove(file);
				}
				read(file, modified).ifPresent(spec -> {
					entries.put(file,
							new Entry(spec, scheduler.schedule(() -> fire(spec, null), new RecordingTrigger(spec))));
					log.info("Scheduled {} ({} {}), next run {}", file.getFileName(), spec.schedule().cron(),
							spec.schedule().zone(),
							spec.schedule().expression().next(ZonedDateTime.now(spec.schedule().zone())));
					if (catchUp) {
						catchUp(spec);
					}
				});
			}
		}
		catch (IOException ex) {
			log.warn("Cannot read the jobs folder {}: {}", properties.folder().toAbsolutePath(), ex.getMessage());
			return;
		}
		entries.keySet().removeIf(file -> {
			if (seen.contains(file)) {
				return false;
			}
			entries.get(file).future().cancel(false);
			log.info("Unscheduled {}: the file is gone", file.getFileName());
			return true;
		});
	}

	private Optional<ScheduledSpec> read(Path file, long modified) {
		try {
			if (loader.isExpirySpec(file)) {
				ExpirySpec spec = loader.loadExpiry(file);
				return Optional.ofNullable(spec.schedule())
					.map(s -> new ScheduledSpec(file, "expiry:" + spec.name(), true, s, modified));
			}
			JobSpec spec = loader.load(file);
			broken.remove(file);
			return Optional.ofNullable(spec.operations().schedule())
				.map(s -> new ScheduledSpec(file, spec.name(), false, s, modified));
		}
		catch (SpecException ex) {
			if (!Long.valueOf(modified).equals(broken.put(file, modified))) {
				log.warn("Not scheduled: {}", ex.getMessage());
			}
			return Optional.empty();
		}
	}

	/** Applies the missed-trigger policy to every scheduled spec now, as on start. */
	public void catchUp() {
		entries.values().forEach(entry -> catchUp(entry.spec()));
	}

	/**
	 * The missed-trigger policy: the last trigger time before now, if its date never ran
	 * and the spec ran before.
	 */
	private void catchUp(ScheduledSpec spec) {
		@Nullable Instant missed = lastTriggerBefore(spec.schedule(), Instant.now());
		LocalDate last = runs.lastDate(spec.key());
		if (missed == null || last == null) {
			return;
		}
		LocalDate date = LocalDate.ofInstant(missed, spec.schedule().zone());
		if (date.isAfter(last)) {
			log.warn("{} missed its run of {} (due {}): running it now", spec.file().getFileName(), date, missed);
			scheduler.execute(() -> fire(spec, missed));
		}
	}

	/** The newest trigger time at or before {@code now}, looking back at most 35 days. */
	static @Nullable Instant lastTriggerBefore(Schedule schedule, Instant now) {
		ZonedDateTime at = ZonedDateTime.ofInstant(now, schedule.zone()).minusDays(35);
		@Nullable ZonedDateTime last = null;
		for (int i = 0; i < 100_000; i++) {
			ZonedDateTime next = schedule.expression().next(at);
			if (next == null || next.toInstant().isAfter(now)) {
				return last == null ? null : last.toInstant();
			}
			last = next;
			at = next;
		}
		return last == null ? null : last.toInstant();
	}

	/**
	 * One trigger: runs the spec for its scheduled date unless that date's run completed.
	 */
	void fire(ScheduledSpec spec, Instant scheduledFor) {
		Instant at = scheduledFor != null ? scheduledFor : RecordingTrigger.scheduledTime(spec);
		LocalDate date = LocalDate.ofInstant(at, spec.schedule().zone());
		ScheduledRuns.State state = runs.state(spec.key(), date);
		if (state == ScheduledRuns.State.DONE) {
			log.debug("{}: the run of {} completed already", spec.file().getFileName(), date);
			return;
		}
		runs.starting(spec.key(), date, at);
		try {
			JobExecution execution = spec.expiry() ? expiry.run(loader.loadExpiry(spec.file()))
					: invitations.run(loader.load(spec.file()), false, false);
			runs.started(spec.key(), date, execution.getId());
			log.info("{}: scheduled run of {} ended {} (execution {})", spec.file().getFileName(), date,
					execution.getStatus(), execution.getId());
		}
		catch (SpecException ex) {
			if (state == ScheduledRuns.State.NONE) {
				runs.refused(spec.key(), date);
			}
			log.warn("{}: scheduled run of {} not started: {}", spec.file().getFileName(), date, ex.getMessage());
		}
		catch (Exception ex) {
			log.error("{}: scheduled run of {} failed: {}", spec.file().getFileName(), date, ex.getMessage());
		}
	}

}
