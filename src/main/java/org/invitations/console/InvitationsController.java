package org.invitations.console;

import java.security.Principal;
import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import org.invitations.invitation.InvitationStore;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.spec.SpecException;

/**
 * The Invitations page: filter by status, spec, run, group and address; resend or cancel
 * one or all that match, always after showing the exact number and asking to confirm it.
 */
@Controller
@ConditionalOnWebApplication
class InvitationsController {

	private static final String VIEW = "invitations/invitations";

	/**
	 * The list counts its matches up to here; the confirmation of a bulk action counts
	 * them all.
	 */
	private static final long COUNT_CAP = 10_000;

	private final InvitationSearch search;

	private final ResendPlanner resends;

	private final int pageSize;

	InvitationsController(InvitationSearch search, ResendPlanner resends, ConsoleProperties properties) {
		this.search = search;
		this.resends = resends;
		this.pageSize = properties.pageSize();
	}

	/** The filter as the page's form and links carry it. */
	record FilterForm(String status, String spec, Long execution, String group, String email, Long invitation) {

		InvitationSearch.Filter filter() {
			return new InvitationSearch.Filter(status, spec, execution, group, email, invitation);
		}

		String query() {
			return UriComponentsBuilder.newInstance()
				.queryParamIfPresent("status", java.util.Optional.ofNullable(RunsController.blank(status)))
				.queryParamIfPresent("spec", java.util.Optional.ofNullable(RunsController.blank(spec)))
				.queryParamIfPresent("execution", java.util.Optional.ofNullable(execution))
				.queryParamIfPresent("group", java.util.Optional.ofNullable(RunsController.blank(group)))
				.queryParamIfPresent("email", java.util.Optional.ofNullable(RunsController.blank(email)))
				.queryParamIfPresent("invitation", java.util.Optional.ofNullable(invitation))
				.encode()
				.build()
				.toUriString();
		}

	}

	@GetMapping("/invitations")
	String invitations(@ModelAttribute("form") FilterForm form, @RequestParam(required = false) Long before,
			Model model) {
		model.addAttribute("statuses", InvitationSearch.STATUSES);
		try {
			InvitationSearch.Filter filter = form.filter();
			List<InvitationSearch.Row> rows = search.page(filter, before, pageSize + 1);
			model.addAttribute("rows", rows.subList(0, Math.min(pageSize, rows.size())));
			model.addAttribute("next", rows.size() > pageSize ? rows.get(pageSize - 1).id() : null);
			long total = search.countUpTo(filter, COUNT_CAP);
			model.addAttribute("total", total > COUNT_CAP ? "more than " + String.format("%,d", COUNT_CAP) : total);
			model.addAttribute("any", total > 0);
			model.addAttribute("query", form.query());
		}
		catch (IllegalArgumentException ex) {
			model.addAttribute("rows", List.of());
			model.addAttribute("total", 0);
			model.addAttribute("any", false);
			model.addAttribute("error", ex.getMessage());
		}
		return VIEW;
	}

	@GetMapping("/invitations/cancel")
	String confirmCancel(@ModelAttribute("form") FilterForm form, Model model) {
		model.addAttribute("count", search.countOpen(form.filter()));
		model.addAttribute("action", "/invitations/cancel" + form.query());
		model.addAttribute("what",
				form.invitation() != null ? "open invitation " + form.invitation() : "open invitations that match");
		model.addAttribute("back", "/invitations" + form.query());
		return "invitations/confirm-cancel";
	}

	/**
	 * Cancels what the confirmation counted; with {@code suppress} (the form's "Also stop
	 * future invitations" box) their addresses go on the suppression list too.
	 */
	@PostMapping("/invitations/cancel")
	String cancel(@ModelAttribute("form") FilterForm form, @RequestParam long expected, @RequestParam String reason,
			@RequestParam(defaultValue = "false") boolean suppress, Principal principal, RedirectAttributes redirect) {
		try {
			InvitationStore.Cancelled done = search.cancel(form.filter(), expected, Actors.of(principal), reason,
					suppress);
			int cancelled = done.cancelled();
			redirect.addFlashAttribute("message", cancelled + " invitation" + (cancelled == 1 ? "" : "s") + " cancelled"
					+ suppressed(suppress, done));
		}
		catch (IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/invitations" + form.query();
	}

	/**
	 * What a cancel that stops future invitations adds to its message: the addresses it
	 * put on the suppression list.
	 */
	static String suppressed(boolean suppress, InvitationStore.Cancelled done) {
		return !suppress ? "" : "; " + done.suppressed() + " address" + (done.suppressed() == 1 ? "" : "es")
				+ " added to the suppression list";
	}

	/**
	 * Resends one invitation or those that match, through their spec's resend run: a dry
	 * run first, whose page says how many would be sent and offers "Send N invitations".
	 */
	@PostMapping("/invitations/resend")
	String resend(@ModelAttribute("form") FilterForm form, @RequestParam(defaultValue = "false") boolean anyInterval,
			Principal principal, RedirectAttributes redirect) throws Exception {
		try {
			long dryRun = resends.dryRun(form.filter(), anyInterval, Actors.of(principal));
			return "redirect:/runs/" + dryRun;
		}
		catch (IllegalArgumentException | IllegalStateException | SpecException ex) {
			redirect.addFlashAttribute("error", "resend: " + ex.getMessage());
			return "redirect:/invitations" + form.query();
		}
	}

}
