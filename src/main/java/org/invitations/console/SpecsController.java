package org.invitations.console;

import java.nio.file.Path;
import java.security.Principal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.expiry.ExpiryPreview;
import org.invitations.launch.BackgroundLaunches;
import org.invitations.schedule.ScheduledSpecs;
import org.invitations.spec.SpecException;

/**
 * The Specs page: every spec in the jobs folder, valid or with its error, with its
 * schedule and the scheduler's next run; launching one starts with a dry run.
 */
@Controller
@ConditionalOnWebApplication
class SpecsController {

	private static final String VIEW = "specs/specs";

	private final SpecCatalog catalog;

	private final BackgroundLaunches launches;

	private final ObjectProvider<ScheduledSpecs> scheduler;

	private final ExpiryPreview preview;

	private final ExpiryRestarts expiries;

	SpecsController(SpecCatalog catalog, BackgroundLaunches launches, ObjectProvider<ScheduledSpecs> scheduler,
			ExpiryPreview preview, ExpiryRestarts expiries) {
		this.catalog = catalog;
		this.preview = preview;
		this.expiries = expiries;
		this.launches = launches;
		this.scheduler = scheduler;
	}

	@GetMapping("/specs")
	String specs(Model model) {
		model.addAttribute("specs", catalog.entries());
		ScheduledSpecs scheduled = scheduler.getIfAvailable();
		model.addAttribute("schedulerOn", scheduled != null && scheduled.isRunning());
		model.addAttribute("nextRuns", scheduled == null ? Map.of() : nextRuns(scheduled));
		return VIEW;
	}

	/**
	 * The scheduler's next run of each spec of the console's folder, by file name (it may
	 * schedule another folder).
	 */
	private Map<String, Instant> nextRuns(ScheduledSpecs scheduled) {
		Path folder = catalog.folder().toAbsolutePath().normalize();
		Map<String, Instant> next = new HashMap<>();
		scheduled.nextRuns().forEach((file, at) -> {
			Path absolute = file.toAbsolutePath().normalize();
			if (folder.equals(absolute.getParent())) {
				next.put(absolute.getFileName().toString(), at.toInstant());
			}
		});
		return next;
	}

	/**
	 * The dry run: counts by outcome and sample rows on its Run page, with "Send N
	 * invitations" when it ends.
	 */
	@PostMapping("/specs/{file}/dry-run")
	String dryRun(@PathVariable String file, Principal principal, RedirectAttributes redirect) throws Exception {
		SpecCatalog.Entry entry = catalog.find(file).orElse(null);
		if (entry == null || entry.spec() == null) {
			redirect.addFlashAttribute("error", entry == null ? "no spec " + file : entry.error() != null
					? entry.error() : file + " is an expiry spec: its dry run is on its own page");
			return "redirect:/specs";
		}
		try {
			long execution = launches.run(entry.spec(), true, Actors.of(principal));
			redirect.addFlashAttribute("message", "Dry run of '" + entry.spec().name() + "' started");
			return "redirect:/runs/" + execution;
		}
		catch (SpecException | IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/specs";
		}
	}

	/**
	 * The dry run of an expiry spec: what a run would do now (invitations to expire, by
	 * spec; reminders to send), counted without changing anything, with a button to run
	 * it.
	 */
	@GetMapping("/specs/{file}/expire")
	String previewExpiry(@PathVariable String file, Model model, RedirectAttributes redirect) {
		SpecCatalog.Entry entry = catalog.find(file).orElse(null);
		if (entry == null || entry.expirySpec() == null) {
			redirect.addFlashAttribute("error", entry == null ? "no spec " + file
					: entry.error() != null ? entry.error() : file + " is no expiry spec");
			return "redirect:/specs";
		}
		model.addAttribute("entry", entry);
		model.addAttribute("spec", entry.expirySpec());
		model.addAttribute("preview", preview.of(entry.expirySpec()));
		return "specs/expire";
	}

	/**
	 * Runs the expiry spec, if it would still send the number of reminders its dry run
	 * showed (a reminder is an email: none leaves uncounted).
	 */
	@PostMapping("/specs/{file}/expire")
	String expire(@PathVariable String file, @RequestParam(defaultValue = "0") long reminders, Principal principal,
			RedirectAttributes redirect) throws Exception {
		SpecCatalog.Entry entry = catalog.find(file).orElse(null);
		if (entry == null || entry.expirySpec() == null) {
			redirect.addFlashAttribute("error", "no expiry spec " + file);
			return "redirect:/specs";
		}
		ExpiryPreview.Preview now = preview.of(entry.expirySpec());
		if (now.remind() != null && now.remind() != reminders) {
			redirect.addFlashAttribute("error", "it would send " + now.remind() + " reminders now, not the " + reminders
					+ " shown: nothing was run; check the dry run again");
			return "redirect:/specs/" + file + "/expire";
		}
		try {
			long execution = expiries.launch(entry.expirySpec(), Actors.of(principal));
			redirect.addFlashAttribute("message", "Expiry run of '" + entry.expirySpec().name() + "' started");
			return "redirect:/runs/" + execution;
		}
		catch (SpecException | IllegalStateException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/specs";
		}
	}

}
