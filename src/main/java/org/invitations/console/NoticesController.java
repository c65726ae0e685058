package org.invitations.console;

import java.security.Principal;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;

import org.invitations.notify.ConsoleNotices;

/** Dismissing a notice, back to the page it was dismissed on. */
@Controller
@ConditionalOnWebApplication
class NoticesController {

	private final ConsoleNotices notices;

	NoticesController(ConsoleNotices notices) {
		this.notices = notices;
	}

	@PostMapping("/notices/{id}/dismiss")
	String dismiss(@PathVariable long id, Principal principal,
			@RequestHeader(name = "Referer", required = false) String referer) {
		notices.dismiss(id, principal.getName());
		// Same origin only: a path of this console, never another site.
		String back = referer == null ? null : referer.replaceFirst("^https?://[^/]+", "");
		return "redirect:" + (back != null && back.startsWith("/") && !back.startsWith("//") ? back : "/people");
	}

}
