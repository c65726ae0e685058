package org.invitations.console;

import java.security.Principal;
import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.launch.SendDrafts;
import org.invitations.people.PeopleFilter;
import org.invitations.spec.SpecException;

import org.invitations.lifecycle.InvitationAdmin;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.lifecycle.PersonLookup;
import org.invitations.lifecycle.SuppressionList;

/**
 * The Person page: who they are, the roles they hold, their invitations and the full
 * history of them; and what an operator does for one person: send an invitation or
 * password-reset instructions (after a dry run of that one person), resend, cancel.
 */
@Controller
@ConditionalOnWebApplication
class PersonController {

	private final PersonLookup people;

	private final InvitationSearch search;

	private final InvitationAdmin admin;

	private final SendDrafts drafts;

	private final SendForms forms;

	private final SuppressionList suppressions;

	PersonController(PersonLookup people, InvitationSearch search, InvitationAdmin admin, SendDrafts drafts,
			SendForms forms, SuppressionList suppressions) {
		this.people = people;
		this.search = search;
		this.admin = admin;
		this.drafts = drafts;
		this.forms = forms;
		this.suppressions = suppressions;
	}

	@GetMapping("/people/{id}")
	String person(@PathVariable long id, Model model) {
		PersonLookup.Person person = people.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no person " + id));
		model.addAttribute("person", person);
		model.addAttribute("roles", people.roles(id));
		List<InvitationSearch.Row> invitations = search
			.page(new InvitationSearch.Filter(null, null, null, null, person.email(), null), null, 200)
			.stream()
			.filter(row -> row.personId() == id)
			.toList();
		model.addAttribute("invitations", invitations);
		model.addAttribute("bounces", admin.bounces(invitations.stream().map(InvitationSearch.Row::id).toList()));
		model.addAttribute("history", admin.history(person.email()));
		model.addAttribute("send", forms.options());
		model.addAttribute("suppression", suppressions.of(person.email()).orElse(null));
		return "people/person";
	}

	/**
	 * Sends this one person an invitation or password-reset instructions: the dry run of
	 * that one person first, whose page offers "Send 1 invitation".
	 */
	@PostMapping("/people/{id}/send")
	String send(@PathVariable long id, @RequestParam String kind, @RequestParam String grant, @RequestParam String base,
			@RequestParam(defaultValue = "default") String template, Principal principal, RedirectAttributes redirect)
			throws Exception {
		try {
			long dryRun = drafts.people(List.of(id), new PeopleFilter(null, null, null, null, false),
					forms.choice(base, grant, kind, template), Actors.of(principal));
			redirect.addFlashAttribute("message", "Dry run started: nothing is sent until you confirm it");
			return "redirect:/runs/" + dryRun;
		}
		catch (IllegalArgumentException | IllegalStateException | SpecException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/people/" + id;
		}
	}

}
