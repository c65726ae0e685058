package org.invitations.events;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Sends the due events every {@code invitations.events.poll} in a long-lived process
 * ({@code serve} turns {@code invitations.events.dispatch} on); does nothing while events
 * are not configured. A failed round (the database away) is logged and the next one tries
 * again.
 */
@Component
@ConditionalOnProperty(prefix = "invitations.events", name = "dispatch", havingValue = "true")
class EventSchedule implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(EventSchedule.class);

	private final EventsProperties properties;

	private final EventDispatcher dispatcher;

	private ThreadPoolTaskScheduler scheduler;

	private volatile boolean running;

	EventSchedule(EventsProperties properties, EventDispatcher dispatcher) {
		this.properties = properties;
		this.dispatcher = dispatcher;
	}

	@Override
	public void start() {
		running = true;
		if (!dispatcher.configured()) {
			return;
		}
		scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("events-");
		scheduler.setWaitForTasksToCompleteOnShutdown(true);
		scheduler.setAwaitTerminationSeconds((int) Math.min(60, properties.timeout().toSeconds() + 5));
		scheduler.initialize();
		log.info("Sending invitation events to {} (looked for every {})", properties.url(), properties.poll());
		scheduler.scheduleWithFixedDelay(this::round, Instant.now(), properties.poll());
	}

	private void round() {
		try {
			dispatcher.deliverDue();
		}
		catch (RuntimeException ex) {
			log.warn("Sending invitation events failed: {}; tried again in {}", ex.getMessage(), properties.poll());
		}
	}

	@Override
	public void stop() {
		running = false;
		if (scheduler != null) {
			scheduler.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}
