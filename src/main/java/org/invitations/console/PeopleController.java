package org.invitations.console;

import java.security.Principal;
import java.util.List;
import java.util.Optional;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import org.invitations.launch.SendDrafts;
import org.invitations.people.PeopleFilter;
import org.invitations.people.PeopleSearch;
import org.invitations.role.Roles;
import org.invitations.spec.SpecException;

/**
 * The People page, where admins start: find people by name or address, group, role,
 * invitation and login; tick some (or take all that match), choose the role, what to send
 * and the template, and start the dry run whose page then offers to send exactly what it
 * counted.
 */
@Controller
@ConditionalOnWebApplication
class PeopleController {

	private static final String VIEW = "people/people";

	/** The list counts its matches up to here; the dry run of a send counts them all. */
	private static final long COUNT_CAP = 10_000;

	private final PeopleSearch search;

	private final SendDrafts drafts;

	private final SendForms forms;

	private final Roles roles;

	private final int pageSize;

	PeopleController(PeopleSearch search, SendDrafts drafts, SendForms forms,
			org.springframework.jdbc.core.JdbcTemplate jdbc, ConsoleProperties properties) {
		this.search = search;
		this.drafts = drafts;
		this.forms = forms;
		this.roles = new Roles(jdbc);
		this.pageSize = properties.pageSize();
	}

	/** The filter as the page's form and links carry it. */
	record FilterForm(String q, String group, String role, String invitation, Boolean never) {

		PeopleFilter filter() {
			return new PeopleFilter(q, group, role, PeopleFilter.Standing.parse(invitation),
					Boolean.TRUE.equals(never));
		}

		String query() {
			return UriComponentsBuilder.newInstance()
				.queryParamIfPresent("q", Optional.ofNullable(RunsController.blank(q)))
				.queryParamIfPresent("group", Optional.ofNullable(RunsController.blank(group)))
				.queryParamIfPresent("role", Optional.ofNullable(RunsController.blank(role)))
				.queryParamIfPresent("invitation", Optional.ofNullable(RunsController.blank(invitation)))
				.queryParamIfPresent("never", Optional.ofNullable(Boolean.TRUE.equals(never) ? "true" : null))
				.encode()
				.build()
				.toUriString();
		}

	}

	@GetMapping("/people")
	String people(@ModelAttribute("form") FilterForm form, @RequestParam(required = false) Long before, Model model) {
		model.addAttribute("groups", search.groups());
		model.addAttribute("roles", roles.names());
		model.addAttribute("standings", PeopleFilter.Standing.values());
		model.addAttribute("send", forms.options());
		model.addAttribute("query", form.query());
		try {
			PeopleFilter filter = form.filter();
			List<PeopleSearch.Person> rows = search.page(filter, before, pageSize + 1);
			model.addAttribute("rows", rows.subList(0, Math.min(pageSize, rows.size())));
			model.addAttribute("next", rows.size() > pageSize ? rows.get(pageSize - 1).id() : null);
			long total = search.countUpTo(filter, COUNT_CAP);
			model.addAttribute("total", total);
			model.addAttribute("totalText",
					total > COUNT_CAP ? "More than " + String.format("%,d", COUNT_CAP) : String.format("%,d", total));
			model.addAttribute("described", filter.describe());
		}
		catch (IllegalArgumentException ex) {
			model.addAttribute("rows", List.of());
			model.addAttribute("total", 0L);
			model.addAttribute("totalText", "0");
			model.addAttribute("error", ex.getMessage());
		}
		return VIEW;
	}

	/**
	 * The dry run of a send to the ticked people, or to all that match the filter: its
	 * page shows what a real send would do and offers "Send N invitations".
	 */
	@PostMapping("/people/send")
	String send(@ModelAttribute("form") FilterForm form,
			@RequestParam(name = "person", required = false) List<Long> people,
			@RequestParam(defaultValue = "false") boolean all, @RequestParam String base, @RequestParam String grant,
			@RequestParam String kind, @RequestParam String template, Principal principal, RedirectAttributes redirect)
			throws Exception {
		try {
			if (!all && (people == null || people.isEmpty())) {
				throw new IllegalArgumentException("tick the people to send to, or choose all that match");
			}
			long dryRun = drafts.people(all ? null : people, form.filter(), forms.choice(base, grant, kind, template),
					Actors.of(principal));
			redirect.addFlashAttribute("message",
					"Dry run started: nothing is sent until you confirm the number it shows");
			return "redirect:/runs/" + dryRun;
		}
		catch (IllegalArgumentException | IllegalStateException | SpecException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:/people" + form.query();
		}
	}

}
