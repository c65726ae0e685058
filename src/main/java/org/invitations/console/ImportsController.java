package org.invitations.console;

import java.io.InputStream;
import java.security.Principal;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.launch.SendDrafts;
import org.invitations.spec.SpecException;

/**
 * Import from the browser: upload a CSV of people (streamed to disk, checked with the
 * command line's limits), choose the role, what to send and the template; the dry run
 * reports every row and its page offers to send exactly what it counted.
 */
@Controller
@ConditionalOnWebApplication
class ImportsController {

	private final SendDrafts drafts;

	private final SendForms forms;

	ImportsController(SendDrafts drafts, SendForms forms) {
		this.drafts = drafts;
		this.forms = forms;
	}

	@GetMapping("/imports/new")
	String form(Model model) {
		model.addAttribute("send", forms.options());
		return "imports/new";
	}

	@PostMapping("/imports")
	String upload(@RequestParam("file") MultipartFile file, @RequestParam String grant, @RequestParam String kind,
			@RequestParam String base, @RequestParam(defaultValue = "default") String template, Principal principal,
			RedirectAttributes redirect) throws Exception {
		if (file.isEmpty()) {
			redirect.addFlashAttribute("error", "choose a CSV file to upload");
			return "redirect:/imports/new";
		}
		String name = file.getOriginalFilename() == null ? "import.csv" : file.getOriginalFilename();
		try (InputStream content = file.getInputStream()) {
			long dryRun = drafts.upload(name, content, forms.choice(base, grant, kind, template), Actors.of(principal));
			redirect.addFlashAttribute("message",
					"Dry run of " + SendDrafts.safeName(name) + " started: nothing is sent until you confirm it");
			return "redirect:/runs/" + dryRun;
		}
		catch (IllegalArgumentException | IllegalStateException | SpecException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/imports/new";
		}
	}

}
