package org.invitations.console;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.user.ConsoleRole;
import org.invitations.user.ConsoleUsers;

/**
 * The Users page, for admins: who may sign in with which role; the same store as the
 * {@code users} command.
 */
@Controller
@ConditionalOnWebApplication
class UsersController {

	private final ConsoleUsers users;

	UsersController(ConsoleUsers users) {
		this.users = users;
	}

	@GetMapping("/users")
	String users(Model model) {
		model.addAttribute("users", users.list());
		model.addAttribute("keys", users.keys());
		model.addAttribute("roles", ConsoleRole.values());
		return "users/users";
	}

	@PostMapping("/users")
	String add(@RequestParam String name, @RequestParam String role, @RequestParam String password,
			RedirectAttributes redirect) {
		try {
			users.add(name, ConsoleRole.parse(role), password.toCharArray());
			redirect.addFlashAttribute("message", "User " + name.strip() + " added");
		}
		catch (IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/users";
	}

	@PostMapping("/users/{name}/remove")
	String remove(@PathVariable String name, RedirectAttributes redirect) {
		boolean removed = users.remove(name);
		redirect.addFlashAttribute(removed ? "message" : "error",
				removed ? "User " + name + " removed" : "no console user " + name);
		return "redirect:/users";
	}

}
