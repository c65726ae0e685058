package org.invitations.console;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import org.invitations.bounce.BounceMailbox;
import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;
import org.invitations.launch.SendDrafts;
import org.invitations.lifecycle.SuppressionCsv;
import org.invitations.lifecycle.SuppressionList;

/**
 * The Suppressed page: the addresses no run invites again, newest first, searched by the
 * start of the address; operators add one with a reason or lift one. The same calls as
 * the {@code suppress} command.
 */
@Controller
@ConditionalOnWebApplication
class SuppressionsController {

	private static final String VIEW = "suppressions/suppressions";

	private final SuppressionList list;

	private final SuppressionCsv csv;

	private final int pageSize;

	/** The bounce mailbox, when one is configured. */
	private final ObjectProvider<BounceMailbox> mailbox;

	SuppressionsController(SuppressionList list, SuppressionCsv csv, ConsoleProperties properties,
			ObjectProvider<BounceMailbox> mailbox) {
		this.list = list;
		this.csv = csv;
		this.pageSize = properties.pageSize();
		this.mailbox = mailbox;
	}

	@GetMapping("/suppressions")
	String suppressions(@RequestParam(required = false) @Nullable String email,
			@RequestParam(required = false) @Nullable Long before, Model model) {
		String prefix = RunsController.blank(email);
		List<Suppression> rows = list.page(prefix, before, pageSize + 1);
		model.addAttribute("rows", rows.subList(0, Math.min(pageSize, rows.size())));
		model.addAttribute("next", rows.size() > pageSize ? rows.get(pageSize - 1).id() : null);
		model.addAttribute("email", prefix);
		BounceMailbox bounces = mailbox.getIfAvailable();
		model.addAttribute("mailbox", bounces == null ? null : bounces.status());
		return VIEW;
	}

	@PostMapping("/suppressions")
	String add(@RequestParam String email, @RequestParam String reason, Principal principal,
			RedirectAttributes redirect) {
		try {
			Suppressions.Added added = list.add(email, reason, "console", Actors.of(principal));
			redirect.addFlashAttribute("message",
					added.added()
							? added.entry().email()
									+ " suppressed: no run, resend or reminder sends to it until it is lifted"
							: added.entry().email() + " is " + added.entry().describe() + "; nothing changed");
		}
		catch (IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/suppressions";
	}

	@PostMapping("/suppressions/lift")
	String lift(@RequestParam String email, Principal principal, RedirectAttributes redirect) {
		Optional<Suppression> lifted = list.lift(email, Actors.of(principal));
		redirect.addFlashAttribute(lifted.isPresent() ? "message" : "error", lifted.isPresent()
				? lifted.get().email() + " lifted: runs may invite it again" : email.strip() + " is not suppressed");
		return "redirect:/suppressions";
	}

	/** The whole active list as CSV, streamed a page at a time. */
	@GetMapping("/suppressions.csv")
	ResponseEntity<StreamingResponseBody> export() {
		StreamingResponseBody body = out -> {
			Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
			csv.export(writer);
			writer.flush();
		};
		return ResponseEntity.ok()
			.contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
			.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"suppressions.csv\"")
			.body(body);
	}

	/**
	 * Adds the rows of an uploaded CSV file; the page says how many were added, already
	 * suppressed and rejected, with the first rejected lines.
	 */
	@PostMapping("/suppressions/import")
	String importFile(@RequestParam("file") MultipartFile file, @RequestParam(required = false) @Nullable String reason,
			Principal principal, RedirectAttributes redirect) throws IOException {
		if (file.isEmpty()) {
			redirect.addFlashAttribute("error", "choose a CSV file to import");
			return "redirect:/suppressions";
		}
		String name = SendDrafts
			.safeName(file.getOriginalFilename() == null ? "upload.csv" : file.getOriginalFilename());
		try (Reader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
			SuppressionCsv.Imported imported = csv.importFrom(reader, name, RunsController.blank(reason),
					Actors.of(principal));
			StringBuilder said = new StringBuilder(imported.summary(name));
			imported.rejections().stream().limit(5).forEach(why -> said.append("; rejected: ").append(why));
			if (imported.rejected() > 5) {
				said.append("; and ").append(imported.rejected() - 5).append(" more rejected rows");
			}
			redirect.addFlashAttribute(imported.rejected() == 0 ? "message" : "error", said.toString());
		}
		catch (IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:/suppressions";
	}

}
