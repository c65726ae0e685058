package org.invitations.console;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.server.ResponseStatusException;

import org.invitations.lifecycle.InvitationAdmin;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.lifecycle.PersonLookup;
import org.invitations.lifecycle.SuppressionList;

/**
 * The Person page: who they are, the roles they hold, their invitations and the full
 * history of them.
 */
@Controller
@ConditionalOnWebApplication
class PersonController {

	private final PersonLookup people;

	private final InvitationSearch search;

	private final InvitationAdmin admin;

	private final SuppressionList suppressions;

	PersonController(PersonLookup people, InvitationSearch search, InvitationAdmin admin,
			SuppressionList suppressions) {
		this.people = people;
		this.search = search;
		this.admin = admin;
		this.suppressions = suppressions;
	}

	@GetMapping("/people/{id}")
	String person(@PathVariable long id, Model model) {
		PersonLookup.Person person = people.find(id)
			.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no person " + id));
		model.addAttribute("person", person);
		model.addAttribute("roles", people.roles(id));
		model.addAttribute("invitations",
				search.page(new InvitationSearch.Filter(null, null, null, null, person.email(), null), null, 200)
					.stream()
					.filter(row -> row.personId() == id)
					.toList());
		model.addAttribute("history", admin.history(person.email()));
		model.addAttribute("suppression", suppressions.of(person.email()).orElse(null));
		return "people/person";
	}

}
