package org.invitations.cli;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.events.EventDispatcher;
import org.invitations.events.EventLog;

/**
 * {@code events}: the host application's events, as the console's Events page shows them:
 * sends those due once (for cron), lists them with their delivery log, replays them.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
		description = { "The events sent to the host application (invitations.events.url): 'deliver' sends those",
				"due now and exits (serve sends them on its own), 'list' shows them newest first, 'replay ID...'",
				"or 'replay --failed' sends delivered or failed ones again with the same webhook-id." })
class EventsCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	/** What to do. */
	enum Action {

		DELIVER, LIST, REPLAY

	}

	@Parameters(index = "0", paramLabel = "ACTION", description = "deliver, list or replay")
	Action action;

	@Parameters(index = "1..*", paramLabel = "ID", description = "replay: the events to send again")
	List<Long> ids = new ArrayList<>();

	@Option(names = "--failed", description = "list: only failed events; replay: every failed event")
	boolean failed;

	@Option(names = "--state", paramLabel = "STATE", description = "list: only events pending, delivered or failed")
	String state;

	@Option(names = "--invitation", paramLabel = "ID", description = "list: only the events of this invitation")
	Long invitation;

	@Option(names = "--log", description = "list: each event's attempts and replays beneath it")
	boolean log;

	@Option(names = "--limit", paramLabel = "N", defaultValue = "100",
			description = "list: at most this many, newest first (default 100)")
	int limit;

	@Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}",
			description = "replay: who asks (default: the OS user)")
	String by;

	@Override
	public Integer call() {
		if (action != Action.REPLAY && !ids.isEmpty()) {
			throw usage("events " + action.name().toLowerCase(Locale.ROOT) + " takes no event ids");
		}
		if (action == Action.DELIVER && (failed || state != null || invitation != null || log)) {
			throw usage("events deliver takes no options: it sends every event due");
		}
		if (action == Action.REPLAY && ids.isEmpty() == !failed) {
			throw usage("events replay needs event ids or --failed (not both)");
		}
		if (limit < 1) {
			throw usage("--limit must be at least 1, not " + limit);
		}
		return switch (action) {
			case DELIVER -> deliver();
			case LIST -> list();
			case REPLAY -> replay();
		};
	}

	private int deliver() {
		EventDispatcher dispatcher = bean(EventDispatcher.class);
		if (!dispatcher.configured()) {
			throw new ConfigurationException(
					"events are off: set invitations.events.url and invitations.events.secret to send them");
		}
		EventDispatcher.Delivered done = dispatcher.deliverDue();
		out().println("delivered " + done.delivered() + ", failed attempts to try again later " + done.retrying()
				+ ", marked failed " + done.failed());
		return 0;
	}

	private int list() {
		EventLog.State only = null;
		try {
			only = failed ? EventLog.State.FAILED : state == null ? null : EventLog.state(state);
		}
		catch (IllegalArgumentException ex) {
			throw usage("--state: " + ex.getMessage());
		}
		EventLog events = bean(EventLog.class);
		List<EventLog.Event> page = events.page(invitation, only, null, limit);
		Map<Long, List<EventLog.Entry>> entries = log ? events.entries(page.stream().map(EventLog.Event::id).toList())
			.stream()
			.collect(Collectors.groupingBy(EventLog.Entry::eventId)) : Map.of();
		var out = out();
		out.printf("%-8s %-22s %-10s %-9s %-8s %-20s %s%n", "ID", "TYPE", "INVITATION", "STATE", "ATTEMPTS", "OCCURRED",
				"NOTE");
		for (EventLog.Event event : page) {
			out.printf("%-8d %-22s %-10d %-9s %-8d %-20s %s%n", event.id(), event.type(), event.invitationId(),
					event.state(), event.attempts(), TIME.format(event.occurredAt()), note(event));
			for (EventLog.Entry entry : entries.getOrDefault(event.id(), List.of())) {
				out.printf("           %s %s%s%n", TIME.format(entry.at()), entry.outcome(),
						entry.millis() == null ? "" : " (" + entry.millis() + " ms)");
			}
		}
		return 0;
	}

	private static String note(EventLog.Event event) {
		return switch (event.state()) {
			case DELIVERED -> "delivered " + TIME.format(event.deliveredAt());
			case FAILED -> "failed: " + event.lastError();
			case PENDING -> event.waitingFor() != null ? "waits for event " + event.waitingFor()
					: (event.lastError() != null ? "last: " + event.lastError() + "; " : "") + "next attempt "
							+ TIME.format(event.dueAt());
		};
	}

	private int replay() {
		EventLog events = bean(EventLog.class);
		String actor = "operator:" + by;
		List<Long> replayed;
		if (failed) {
			replayed = events.replayFailed(actor);
		}
		else {
			List<Long> unknown = new ArrayList<>(ids);
			unknown.removeAll(events.existing(ids));
			if (!unknown.isEmpty()) {
				throw notFound("no event " + unknown.stream().map(String::valueOf).collect(Collectors.joining(", ")));
			}
			replayed = events.replay(ids, actor);
			List<Long> pending = new ArrayList<>(ids);
			pending.removeAll(replayed);
			if (!pending.isEmpty()) {
				err().println("left to their schedule (pending): "
						+ pending.stream().map(String::valueOf).collect(Collectors.joining(", ")));
			}
		}
		out().println(replayed.isEmpty() ? "nothing to replay"
				: "replayed " + replayed.stream().map(String::valueOf).collect(Collectors.joining(", "))
						+ ": sent by serve's next round, or by events deliver");
		return 0;
	}

}
