package org.invitations.console;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

import org.invitations.launch.DryRunConfirmation;
import org.invitations.launch.ExecutionEvents;
import org.invitations.launch.RunActions;
import org.invitations.report.ReportQueries;
import org.invitations.report.RunListing;
import org.invitations.report.RunRecords;
import org.invitations.worker.PartitionView;

/**
 * The Runs page (every execution of every job, newest first, a running one with how it is
 * spread over workers) and the Run page (one run's totals, rows and partitions).
 */
@Controller
@ConditionalOnWebApplication
class RunsController {

	private static final String RUNS = "runs/runs";

	private static final String RUN = "runs/run";

	private final RunListing listing;

	private final ReportQueries reports;

	private final ExecutionEvents events;

	private final DryRunConfirmation confirmation;

	private final int pageSize;

	private final ConfirmedSends sends;

	private final RunActions actions;

	private final RunControl control;

	private final RunRecords records;

	private final PartitionView partitions;

	RunsController(RunListing listing, ReportQueries reports, ExecutionEvents events, DryRunConfirmation confirmation,
			ConfirmedSends sends, RunActions actions, RunControl control, RunRecords records, PartitionView partitions,
			ConsoleProperties properties) {
		this.records = records;
		this.partitions = partitions;
		this.actions = actions;
		this.control = control;
		this.sends = sends;
		this.listing = listing;
		this.reports = reports;
		this.events = events;
		this.confirmation = confirmation;
		this.pageSize = properties.pageSize();
	}

	@GetMapping("/runs")
	String runs(@RequestParam(required = false) Long before, Model model) {
		List<RunListing.RunRow> runs = listing.page(before, pageSize + 1);
		model.addAttribute("runs", runs.subList(0, Math.min(pageSize, runs.size())));
		model.addAttribute("next", runs.size() > pageSize ? runs.get(pageSize - 1).id() : null);
		model.addAttribute("refresh", runs.stream().anyMatch(RunListing.RunRow::running));
		model.addAttribute("offers", actions.of(runs.stream().map(RunListing.RunRow::id).toList()));
		// Only running runs: how a finished run was spread is on its own page.
		Map<Long, PartitionView.Spread> spreads = new HashMap<>();
		runs.stream()
			.filter(RunListing.RunRow::running)
			.forEach(run -> spreads.put(run.id(), partitions.spread(run.id())));
		model.addAttribute("spreads", spreads);
		return RUNS;
	}

	@GetMapping("/runs/{id}")
	String run(@PathVariable long id, @RequestParam(required = false) String outcome,
			@RequestParam(required = false) String reason, @RequestParam(required = false) String email,
			@RequestParam(defaultValue = "0") long after, Model model) {
		RunListing.RunRow run = listing.one(id);
		if (run == null) {
			throw new ResponseStatusException(org.springframework.http.HttpStatus.NOT_FOUND, "no job execution " + id);
		}
		String outcomeFilter = blank(outcome);
		String reasonFilter = blank(reason);
		String emailFilter = blank(email);
		List<ReportQueries.ReportRow> items = listing.items(run.instanceId(), outcomeFilter, reasonFilter, emailFilter,
				after, pageSize + 1);
		model.addAttribute("run", run);
		model.addAttribute("summary", listing.totals(run.instanceId()));
		model.addAttribute("purged", reports.purged(run.instanceId()));
		model.addAttribute("steps", reports.steps(id));
		model.addAttribute("partitions", partitions.of(id));
		model.addAttribute("events", events.ofRun(id));
		model.addAttribute("items", items.subList(0, Math.min(pageSize, items.size())));
		model.addAttribute("nextAfter", items.size() > pageSize ? items.get(pageSize - 1).item() : null);
		model.addAttribute("outcome", outcomeFilter);
		model.addAttribute("reason", reasonFilter);
		model.addAttribute("email", emailFilter);
		long wouldSend = run.dryRun() ? confirmation.wouldSend(id) : -1;
		model.addAttribute("wouldSend", wouldSend);
		model.addAttribute("maxRecipients", sends.exceededLimit(id, wouldSend));
		model.addAttribute("refresh", run.running());
		model.addAttribute("launchedBy", records.launchedBy(id));
		List<ReportQueries.OutcomeCount> totals = listing.totals(run.instanceId());
		model.addAttribute("tooSoon", run.resend() && run.dryRun()
				? totals.stream().mapToLong(o -> o.reasons().getOrDefault("RESEND_TOO_SOON", 0L)).sum() : 0L);
		RunActions.Offer offer = actions.of(id);
		model.addAttribute("offer", offer);
		model.addAttribute("held", offer.has("CONFIRM") ? control.remaining(id).queued() : -1);
		return RUN;
	}

	static String blank(String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

}
