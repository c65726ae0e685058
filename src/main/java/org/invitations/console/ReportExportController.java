package org.invitations.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import org.invitations.report.ReportQueries;

/** A run's report rows as a CSV file, streamed, optionally of one outcome: the Run page's export. */
@Controller
@ConditionalOnWebApplication
class ReportExportController {

	private final ReportQueries reports;

	ReportExportController(ReportQueries reports) {
		this.reports = reports;
	}

	@GetMapping("/runs/{id}/report.csv")
	void export(@PathVariable long id, @RequestParam(required = false) String outcome, HttpServletResponse response)
			throws IOException {
		ReportQueries.Execution execution = reports.execution(id);
		if (execution == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no job execution " + id);
		}
		String only = RunsController.blank(outcome);
		response.setContentType("text/csv;charset=UTF-8");
		response.setHeader("Content-Disposition", "attachment; filename=\"report-" + id
				+ (only == null ? "" : "-" + only.replaceAll("[^A-Za-z_]", "")) + ".csv\"");
		PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
		out.print("item,line,email,outcome,reason,detail,invitation\r\n");
		reports.items(execution.instanceId(), only == null ? null : only.toUpperCase(java.util.Locale.ROOT),
				row -> out.print(String.join(",", String.valueOf(row.item()), row.line() == null ? "" : row.line().toString(),
						cell(row.email()), row.outcome(), cell(row.reason()), cell(row.detail()),
						row.invitationId() == null ? "" : row.invitationId().toString()) + "\r\n"));
		out.flush();
	}

	/** RFC 4180 quoting; a value a spreadsheet would run as a formula is quoted and prefixed with an apostrophe. */
	static String cell(String value) {
		if (value == null) {
			return "";
		}
		String text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
		return text.matches("[^\",\\r\\n']*") ? text : "\"" + text.replace("\"", "\"\"") + "\"";
	}

}
