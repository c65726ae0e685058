package org.invitations.console;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.events.EventDispatcher;
import org.invitations.events.EventLog;

/**
 * The Events page (admins): the events sent to the host application, newest first, by
 * invitation and state, each with its delivery log; a delivered or failed one is replayed
 * with the same {@code webhook-id}, the replay logged with who asked. The same calls as
 * the {@code events} command.
 */
@Controller
@ConditionalOnWebApplication
class EventsController {

	private static final String VIEW = "events/events";

	private final EventLog events;

	private final EventDispatcher dispatcher;

	private final int pageSize;

	EventsController(EventLog events, EventDispatcher dispatcher, ConsoleProperties properties) {
		this.events = events;
		this.dispatcher = dispatcher;
		this.pageSize = properties.pageSize();
	}

	@GetMapping("/events")
	String events(@RequestParam(required = false) @Nullable Long invitation,
			@RequestParam(required = false) @Nullable String state,
			@RequestParam(required = false) @Nullable Long before, Model model) {
		EventLog.State only = null;
		String chosen = RunsController.blank(state);
		if (chosen != null) {
			try {
				only = EventLog.state(chosen);
			}
			catch (IllegalArgumentException ex) {
				model.addAttribute("error", ex.getMessage());
			}
		}
		List<EventLog.Event> found = events.page(invitation, only, before, pageSize + 1);
		List<EventLog.Event> rows = found.subList(0, Math.min(pageSize, found.size()));
		Map<Long, List<EventLog.Entry>> log = events.entries(rows.stream().map(EventLog.Event::id).toList())
			.stream()
			.collect(Collectors.groupingBy(EventLog.Entry::eventId));
		model.addAttribute("rows", rows);
		model.addAttribute("log", log);
		model.addAttribute("next", found.size() > pageSize ? rows.get(pageSize - 1).id() : null);
		model.addAttribute("invitation", invitation);
		model.addAttribute("state", only == null ? null : only.name());
		model.addAttribute("configured", dispatcher.configured());
		return VIEW;
	}

	@PostMapping("/events/{id}/replay")
	String replay(@PathVariable long id, Principal principal, RedirectAttributes redirect) {
		List<Long> replayed = events.replay(List.of(id), Actors.of(principal));
		if (replayed.isEmpty()) {
			redirect.addFlashAttribute("error", events.existing(List.of(id)).isEmpty() ? "No event " + id
					: "Event " + id + " is still pending: it is sent on its schedule");
		}
		else {
			redirect.addFlashAttribute("message", "Event " + id + " replayed: it is sent again at the next round");
		}
		return "redirect:/events";
	}

	@PostMapping("/events/replay-failed")
	String replayFailed(Principal principal, RedirectAttributes redirect) {
		List<Long> replayed = events.replayFailed(Actors.of(principal));
		redirect.addFlashAttribute("message",
				replayed.isEmpty() ? "No failed event to replay"
						: replayed.size() + " failed event" + (replayed.size() == 1 ? "" : "s")
								+ " replayed: sent again, in order per invitation, at the next round");
		return "redirect:/events";
	}

}
