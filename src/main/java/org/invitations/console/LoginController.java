package org.invitations.console;

import jakarta.servlet.http.HttpSession;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in page; the start page is the People page, where admins begin. */
@Controller
@ConditionalOnWebApplication
class LoginController {

	@GetMapping("/login")
	String login(@RequestParam(required = false) String error, HttpSession session, Model model) {
		if (error != null) {
			// The same words whether the name or the password was wrong; only a throttled
			// sign-in says more.
			Object failure = session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
			model.addAttribute("loginError",
					failure instanceof LockedException locked ? locked.getMessage() : "Wrong name or password");
		}
		return "console/login";
	}

	@GetMapping("/")
	String start() {
		return "redirect:/people";
	}

}
