package org.invitations.console;

import java.security.Principal;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.launch.BackgroundLaunches;
import org.invitations.spec.SpecException;

/** The Specs page: every spec in the jobs folder, valid or with its error; launching one starts with a dry run. */
@Controller
@ConditionalOnWebApplication
class SpecsController {

	private static final String VIEW = "specs/specs";

	private final SpecCatalog catalog;

	private final BackgroundLaunches launches;

	SpecsController(SpecCatalog catalog, BackgroundLaunches launches) {
		this.catalog = catalog;
		this.launches = launches;
	}

	@GetMapping("/specs")
	String specs(Model model) {
		model.addAttribute("specs", catalog.entries());
		return VIEW;
	}

	/** The dry run: counts by outcome and sample rows on its Run page, with "Send N invitations" when it ends. */
	@PostMapping("/specs/{file}/dry-run")
	String dryRun(@PathVariable String file, Principal principal, RedirectAttributes redirect) throws Exception {
		SpecCatalog.Entry entry = catalog.find(file).orElse(null);
		if (entry == null || entry.spec() == null) {
			redirect.addFlashAttribute("error", entry == null ? "no spec " + file : entry.error() != null ? entry.error()
					: file + " is an expiry spec: the expire command or a scheduler runs it");
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

}
