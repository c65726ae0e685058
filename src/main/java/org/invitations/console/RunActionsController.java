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
import org.invitations.launch.RunAbandoner;
import org.invitations.invitation.InvitationStore;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.report.ReportQueries;
import org.invitations.resend.ResendFilter;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * What an operator does to a run from its page: send after a dry run, stop, restart,
 * abandon, cancel, resend.
 */
@Controller
@ConditionalOnWebApplication
class RunActionsController {

	private final BackgroundLaunches launches;

	private final DryRunConfirmation confirmation;

	private final GracefulStop stop;

	private final RunAbandoner abandoner;

	private final ExecutionEvents events;

	private final ReportQueries reports;

	private final InvitationSearch invitations;

	private final ConfirmedSends sends;

	private final ExpiryRestarts expiries;

	RunActionsController(BackgroundLaunches launches, DryRunConfirmation confirmation, GracefulStop stop,
			RunAbandoner abandoner, ExecutionEvents events, ReportQueries reports, InvitationSearch invitations,
			ConfirmedSends sends, ExpiryRestarts expiries) {
		this.launches = launches;
		this.expiries = expiries;
		this.sends = sends;
		this.confirmation = confirmation;
		this.stop = stop;
		this.abandoner = abandoner;
		this.events = events;
		this.reports = reports;
		this.invitations = invitations;
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
		GracefulStop.Request request = stop.request(id);
		if (request == GracefulStop.Request.STOPPING) {
			events.record(id, "STOP_REQUESTED", Actors.of(principal), null);
		}
		redirect.addFlashAttribute(request == GracefulStop.Request.STOPPING ? "message" : "error", switch (request) {
			case STOPPING -> "Stopping execution " + id + " at its next chunk";
			case NOT_RUNNING -> "Execution " + id + " is not running";
			case PROCESS_GONE -> "Execution " + id + "'s process is gone: restart it to recover and continue it";
		});
		return "redirect:/runs/" + id;
	}

	/**
	 * Restarts a stopped or failed run, or recovers one whose process died, as running
	 * its spec again does.
	 */
	@PostMapping("/runs/{id}/restart")
	String restart(@PathVariable long id, Principal principal, RedirectAttributes redirect) throws Exception {
		ReportQueries.Execution execution = reports.execution(id);
		try {
			if (execution.job().equals("expiryJob")) {
				long restarted = expiries.restart(execution);
				events.record(restarted, "RESTARTED", Actors.of(principal), "from execution " + id);
				return "redirect:/runs/" + restarted;
			}
			JobSpec spec = new SpecLoader().load(Path.of(execution.parameters().get(JobParameterNames.SPEC_PATH)));
			String source = execution.parameters().get(JobParameterNames.SOURCE_CHECKSUM);
			String actor = Actors.of(principal);
			long restarted = source.startsWith("resend:")
					? launches.resend(spec, ResendFilter.parse(source), execution.dryRun(), actor)
					: launches.run(spec, execution.dryRun(), actor);
			events.record(restarted, "RESTARTED", actor, "from execution " + id);
			return "redirect:/runs/" + restarted;
		}
		catch (SpecException | IllegalStateException | NullPointerException ex) {
			redirect.addFlashAttribute("error", "cannot restart execution " + id + ": "
					+ (ex instanceof NullPointerException ? "it is no run of a spec" : ex.getMessage()));
			return "redirect:/runs/" + id;
		}
	}

	@PostMapping("/runs/{id}/abandon")
	String abandon(@PathVariable long id, Principal principal, RedirectAttributes redirect) throws Exception {
		try {
			int cancelled = abandoner.abandon(id, Actors.of(principal) + ": abandon of execution " + id);
			events.record(id, "ABANDONED", Actors.of(principal), cancelled + " queued invitations cancelled");
			redirect.addFlashAttribute("message",
					"Execution " + id + " abandoned; " + cancelled + " queued invitations cancelled");
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
			long dryRun = launches.resend(spec, filter, true, Actors.of(principal));
			return "redirect:/runs/" + dryRun;
		}
		catch (SpecException | IllegalArgumentException | IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/runs/" + id;
		}
	}

}
