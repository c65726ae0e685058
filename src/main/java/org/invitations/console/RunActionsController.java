package org.invitations.console;

import java.nio.file.Path;
import java.security.Principal;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.run.JobParameterNames;
import org.invitations.launch.BackgroundLaunches;
import org.invitations.launch.DryRunConfirmation;
import org.invitations.launch.ExecutionEvents;
import org.invitations.launch.GracefulStop;
import org.invitations.launch.RunActions;
import org.invitations.invitation.InvitationStore;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.report.ReportQueries;
import org.invitations.report.RunListing;
import org.invitations.resend.ResendFilter;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * What an operator does to a run from its page: send after a dry run, stop, restart,
 * confirm a held run, abandon, cancel, resend. Restart and abandon first show what they
 * act on and ask to confirm it.
 */
@Controller
@ConditionalOnWebApplication
class RunActionsController {

	private final BackgroundLaunches launches;

	private final DryRunConfirmation confirmation;

	private final RunControl control;

	private final RunActions actions;

	private final RunListing listing;

	private final ExecutionEvents events;

	private final ReportQueries reports;

	private final InvitationSearch invitations;

	private final ConfirmedSends sends;

	RunActionsController(BackgroundLaunches launches, DryRunConfirmation confirmation, RunControl control,
			RunActions actions, RunListing listing, ExecutionEvents events, ReportQueries reports,
			InvitationSearch invitations, ConfirmedSends sends) {
		this.launches = launches;
		this.confirmation = confirmation;
		this.control = control;
		this.actions = actions;
		this.listing = listing;
		this.events = events;
		this.reports = reports;
		this.invitations = invitations;
		this.sends = sends;
	}

	/**
	 * "Send N invitations": the real run of what the dry run showed, refused if the
	 * selection changed since.
	 */
	@PostMapping("/runs/{id}/send")
	String send(@PathVariable long id, @RequestParam long expected, Principal principal, RedirectAttributes redirect)
			throws Exception {
		try {
			DryRunConfirmation.Confirmed confirmed = confirmation.check(id, expected);
			String actor = Actors.of(principal);
			long execution = sends.launch(confirmed, actor);
			redirect.addFlashAttribute("message",
					"Sending " + confirmed.count() + " invitation" + (confirmed.count() == 1 ? "" : "s"));
			return "redirect:/runs/" + execution;
		}
		catch (IllegalStateException | SpecException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/runs/" + id;
		}
	}

	@PostMapping("/runs/{id}/stop")
	String stop(@PathVariable long id, Principal principal, RedirectAttributes redirect) throws Exception {
		GracefulStop.Request request = control.stop(id, Actors.of(principal));
		redirect.addFlashAttribute(request == GracefulStop.Request.STOPPING ? "message" : "error", switch (request) {
			case STOPPING -> "Stopping execution " + id + " at its next chunk";
			case NOT_RUNNING -> "Execution " + id + " is not running";
			case PROCESS_GONE -> "Execution " + id + "'s process is gone: restart it to recover and continue it";
		});
		return "redirect:/runs/" + id;
	}

	/**
	 * Says what a restart continues (the same spec and input, what is left to send) and
	 * asks to confirm it.
	 */
	@GetMapping("/runs/{id}/restart")
	String confirmRestart(@PathVariable long id, Model model, RedirectAttributes redirect) {
		RunActions.Offer offer = actions.of(id);
		if (!offer.has("RESTART") && !offer.has("RECOVER")) {
			redirect.addFlashAttribute("error",
					"Execution " + id + " cannot be restarted" + (offer.note() != null ? ": " + offer.note() : ""));
			return "redirect:/runs/" + id;
		}
		model.addAttribute("run", listing.one(id));
		model.addAttribute("offer", offer);
		model.addAttribute("remaining", control.remaining(id));
		return "runs/restart";
	}

	/**
	 * Restarts a stopped or failed run, or recovers one whose process died, with exactly
	 * the input it started with; never a new run.
	 */
	@PostMapping("/runs/{id}/restart")
	String restart(@PathVariable long id, Principal principal, RedirectAttributes redirect) throws Exception {
		try {
			long restarted = control.restart(id, Actors.of(principal));
			redirect.addFlashAttribute("message", "Execution " + id + "'s run continues as execution " + restarted);
			return "redirect:/runs/" + restarted;
		}
		catch (SpecException | IllegalStateException | IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", "Execution " + id + " was not restarted: " + ex.getMessage());
			return "redirect:/runs/" + id;
		}
	}

	/**
	 * Lets a run held before sending send the number it showed, confirmed on its page.
	 */
	@PostMapping("/runs/{id}/confirm")
	String confirm(@PathVariable long id, @RequestParam long expected, Principal principal, RedirectAttributes redirect)
			throws Exception {
		try {
			long restarted = control.confirm(id, expected, Actors.of(principal));
			redirect.addFlashAttribute("message", "Sending " + expected + " invitation" + (expected == 1 ? "" : "s"));
			return "redirect:/runs/" + restarted;
		}
		catch (SpecException | IllegalStateException | IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/runs/" + id;
		}
	}

	/** Says what abandoning the run gives up and asks to confirm it. */
	@GetMapping("/runs/{id}/abandon")
	String confirmAbandon(@PathVariable long id, Model model, RedirectAttributes redirect) {
		RunActions.Offer offer = actions.of(id);
		if (!offer.has("ABANDON")) {
			redirect.addFlashAttribute("error",
					"Execution " + id + " cannot be abandoned" + (offer.note() != null ? ": " + offer.note() : ""));
			return "redirect:/runs/" + id;
		}
		model.addAttribute("run", listing.one(id));
		model.addAttribute("remaining", control.remaining(id));
		return "runs/abandon";
	}

	@PostMapping("/runs/{id}/abandon")
	String abandon(@PathVariable long id, @RequestParam long expected, Principal principal, RedirectAttributes redirect)
			throws Exception {
		try {
			int cancelled = control.abandon(id, expected, Actors.of(principal));
			redirect.addFlashAttribute("message", "Execution " + id + " abandoned; " + cancelled + " queued invitation"
					+ (cancelled == 1 ? "" : "s") + " cancelled");
		}
		catch (IllegalStateException | IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/runs/" + id;
	}

	/**
	 * Asks to confirm the exact number of the run's open invitations a cancel would
	 * close.
	 */
	@GetMapping("/runs/{id}/cancel")
	String confirmCancel(@PathVariable long id, Model model) {
		InvitationSearch.Filter filter = new InvitationSearch.Filter(null, null, id, null, null, null);
		model.addAttribute("count", invitations.countOpen(filter));
		model.addAttribute("action", "/runs/" + id + "/cancel");
		model.addAttribute("what", "open invitations of execution " + id + "'s run");
		model.addAttribute("back", "/runs/" + id);
		return "invitations/confirm-cancel";
	}

	@PostMapping("/runs/{id}/cancel")
	String cancel(@PathVariable long id, @RequestParam long expected, @RequestParam String reason,
			@RequestParam(defaultValue = "false") boolean suppress, Principal principal, RedirectAttributes redirect) {
		InvitationSearch.Filter filter = new InvitationSearch.Filter(null, null, id, null, null, null);
		try {
			InvitationStore.Cancelled done = invitations.cancel(filter, expected, Actors.of(principal), reason,
					suppress);
			String suppressed = InvitationsController.suppressed(suppress, done);
			events.record(id, "CANCELLED_OPEN", Actors.of(principal),
					done.cancelled() + " cancelled" + suppressed + ": " + reason);
			redirect.addFlashAttribute("message", done.cancelled() + " invitations cancelled" + suppressed);
		}
		catch (IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/runs/" + id;
	}

	/**
	 * Resends the run's failed or deferred invitations: a dry run first, whose page
	 * offers "Send N invitations".
	 */
	@PostMapping("/runs/{id}/resend")
	String resend(@PathVariable long id, @RequestParam String status, Principal principal, RedirectAttributes redirect)
			throws Exception {
		ReportQueries.Execution execution = reports.execution(id);
		try {
			JobSpec spec = new SpecLoader().load(Path.of(execution.parameters().get(JobParameterNames.SPEC_PATH)));
			ResendFilter filter = new ResendFilter(null, null, id, null, status);
			long dryRun = launches.resend(spec, filter, true, null, Actors.of(principal));
			return "redirect:/runs/" + dryRun;
		}
		catch (SpecException | IllegalArgumentException | IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/runs/" + id;
		}
	}

	/**
	 * Repeats a resend's dry run with the operator's override of the spec's
	 * {@code resend.min-interval}: its page then counts the invitations sent too recently
	 * too, and the override is recorded with the launch.
	 */
	@PostMapping("/runs/{id}/resend-any-interval")
	String resendAnyInterval(@PathVariable long id, Principal principal, RedirectAttributes redirect) throws Exception {
		ReportQueries.Execution execution = reports.execution(id);
		String source = execution == null ? null : execution.parameters().get(JobParameterNames.SOURCE_CHECKSUM);
		if (source == null || !source.startsWith("resend:")) {
			redirect.addFlashAttribute("error", "execution " + id + " is no resend");
			return "redirect:/runs/" + id;
		}
		try {
			ResendFilter asked = ResendFilter.parse(source);
			ResendFilter any = new ResendFilter(asked.email(), asked.invitationId(), asked.execution(), asked.group(),
					asked.status(), true);
			JobSpec spec = new SpecLoader().load(Path.of(execution.parameters().get(JobParameterNames.SPEC_PATH)));
			return "redirect:/runs/" + launches.resend(spec, any, true, null, Actors.of(principal));
		}
		catch (SpecException | IllegalArgumentException | IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/runs/" + id;
		}
	}

}
