package org.invitations.console;

import java.io.IOException;
import java.util.Locale;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import org.invitations.report.ReportFormat;
import org.invitations.report.ReportOptions;
import org.invitations.report.ReportQueries;
import org.invitations.report.ReportRenderer;
import org.invitations.report.RowsPurged;

/**
 * A run's report as a file, the Run page's downloads: HTML, JSON or CSV, optionally of
 * one outcome, written by the same renderer as the command line's {@code report} and
 * streamed from the database to the response. The CSV of a run whose per-person rows were
 * purged is gone (410), with the reason, rather than a file with a header alone.
 */
@Controller
@ConditionalOnWebApplication
class ReportController {

	/**
	 * The HTML report's own policy (it carries it in a meta tag too): its inline style
	 * and nothing else, no script, so that a report opened from the downloads runs
	 * nothing, whatever a row holds. It replaces the console's policy, which would refuse
	 * the inline style.
	 */
	static final String HTML_REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:;"
			+ " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

	private final ReportQueries reports;

	private final ReportRenderer renderer;

	ReportController(ReportQueries reports, ReportRenderer renderer) {
		this.reports = reports;
		this.renderer = renderer;
	}

	@GetMapping("/runs/{id}/report.{extension:html|json|csv}")
	void download(@PathVariable long id, @PathVariable String extension, @RequestParam(required = false) String outcome,
			HttpServletResponse response) throws IOException {
		ReportQueries.Execution execution = reports.execution(id);
		if (execution == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no job execution " + id);
		}
		ReportFormat format = ReportFormat.named(extension);
		RowsPurged purged = format == ReportFormat.CSV ? reports.purged(execution.instanceId()) : null;
		if (purged != null) {
			// A CSV file has no place to say so: a header alone would read as a run that
			// listed nobody.
			response.setStatus(HttpStatus.GONE.value());
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter()
				.println("Run " + id + ": " + purged.sentence()
						+ ". The totals are on the run's page and in its JSON and HTML reports.");
			return;
		}
		String blank = RunsController.blank(outcome);
		String only = blank == null ? null : blank.toUpperCase(Locale.ROOT).replaceAll("[^A-Z_]", "");
		response.setContentType(ReportRenderer.contentType(format));
		response.setHeader("Content-Disposition", "attachment; filename=\"report-" + id
				+ (only == null || only.isEmpty() ? "" : "-" + only) + "." + extension + "\"");
		if (format == ReportFormat.HTML) {
			response.setHeader("Content-Security-Policy", HTML_REPORT_POLICY);
		}
		ReportOptions defaults = ReportOptions.defaults();
		renderer.write(id, format, new ReportOptions(only == null || only.isEmpty() ? null : only,
				defaults.byteOrderMark(), defaults.sentRowLimit()), response.getOutputStream());
	}

}
