package org.invitations.console;

import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import org.invitations.launch.BackgroundLaunches;
import org.invitations.launch.DryRunConfirmation;
import org.invitations.launch.GracefulStop;
import org.invitations.launch.RunActions;
import org.invitations.invitation.InvitationStore;
import org.invitations.lifecycle.InvitationAdmin;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.report.ReportQueries;
import org.invitations.report.RunListing;
import org.invitations.spec.SpecException;
import org.invitations.worker.PartitionView;

/**
 * Runs over HTTP: list them, read one's totals and partitions, launch a spec (a dry run,
 * then the send it showed), cancel an invitation (and, if asked, stop future invitations
 * to its address); list the workers. The same classes as the console's pages and the
 * command line do the work.
 */
@RestController
@RequestMapping("/api/v1")
@ConditionalOnWebApplication
class RunsApiController {

	private static final int MAX_LIMIT = 500;

	private final RunListing listing;

	private final SpecCatalog catalog;

	private final BackgroundLaunches launches;

	private final DryRunConfirmation confirmation;

	private final InvitationAdmin admin;

	private final ResendPlanner resends;

	private final ConfirmedSends sends;

	private final RunActions actions;

	private final RunControl control;

	private final PartitionView partitions;

	private final ReportQueries reports;

	RunsApiController(RunListing listing, SpecCatalog catalog, BackgroundLaunches launches,
			DryRunConfirmation confirmation, InvitationAdmin admin, ResendPlanner resends, ConfirmedSends sends,
			RunActions actions, RunControl control, PartitionView partitions, ReportQueries reports) {
		this.reports = reports;
		this.partitions = partitions;
		this.actions = actions;
		this.control = control;
		this.sends = sends;
		this.resends = resends;
		this.listing = listing;
		this.catalog = catalog;
		this.launches = launches;
		this.confirmation = confirmation;
		this.admin = admin;
	}

	/** One run as the API lists it. */
	record Run(long execution, String job, String spec, boolean dryRun, boolean resend, String status, Instant start,
			Instant end, long done, long items, Map<String, Long> outcomes) {

		static Run of(RunListing.RunRow row) {
			return new Run(row.id(), row.job(), row.specName(), row.dryRun(), row.resend(), row.status(), row.start(),
					row.end(), row.done(), row.items(), row.outcomes());
		}

	}

	/**
	 * A run with its totals by outcome and reason; {@code wouldSend} is a finished dry
	 * run's number, else -1.
	 */
	/**
	 * A run's totals; for a finished dry run, what its confirmed send would send, and the
	 * spec's {@code max-recipients} when that is over it (confirming the send then
	 * confirms the number), else {@code null}.
	 *
	 * @param partitions the deliver step's partitions: who sends each share, how far it
	 * got and how fast (one, sent by the run's own process, when no worker was alive)
	 * @param rowsPurged that the run's per-person rows were deleted by the expiry job's
	 * retention, or {@code null} while they are kept: the totals remain
	 */
	record RunTotals(Run run, List<ReportQueries.OutcomeCount> totals, long wouldSend, Long maxRecipients,
			Set<RunActions.Action> actions, String note, Long continuedBy, List<PartitionView.Partition> partitions,
			@Nullable RowsPurged rowsPurged) {
	}

	/**
	 * That a run's per-person rows were deleted, when and after how long; its totals
	 * remain.
	 */
	record RowsPurged(Instant purgedAt, long keptForSeconds, long rows, String statement) {

		static @Nullable RowsPurged of(org.invitations.report.@Nullable RowsPurged purged) {
			return purged == null ? null
					: new RowsPurged(purged.purgedAt(), purged.keptFor().toSeconds(), purged.rows(), purged.sentence());
		}

	}

	record Restarted(long execution, long queued, long unread) {
	}

	record AbandonRequest(long expected) {
	}

	record Abandoned(int cancelled) {
	}

	record Stopping(String state) {
	}

	record Launched(long execution) {
	}

	record SendRequest(long expected) {
	}

	/**
	 * @param suppress also stop future invitations to the address (optional, default
	 * false)
	 */
	record CancelRequest(String reason, @Nullable Boolean suppress) {
	}

	/**
	 * @param suppressed addresses added to the suppression list, only when the request
	 * asked for it
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Cancelled(int cancelled, @Nullable Integer suppressed) {
	}

	record Problem(String error) {
	}

	/** Newest first; the next page is {@code ?before=} the last execution's id. */
	@GetMapping("/runs")
	List<Run> runs(@RequestParam(required = false) Long before, @RequestParam(defaultValue = "50") int limit) {
		return listing.page(before, Math.max(1, Math.min(limit, MAX_LIMIT))).stream().map(Run::of).toList();
	}

	@GetMapping("/runs/{id}")
	ResponseEntity<?> run(@PathVariable long id) {
		RunListing.RunRow row = listing.one(id);
		if (row == null) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Problem("no job execution " + id));
		}
		long wouldSend = row.dryRun() ? confirmation.wouldSend(id) : -1;
		RunActions.Offer offer = actions.of(id);
		return ResponseEntity.ok(new RunTotals(Run.of(row), listing.totals(row.instanceId()), wouldSend,
				sends.exceededLimit(id, wouldSend), offer.actions(), offer.note(), offer.continuedBy(),
				partitions.of(id), RowsPurged.of(reports.purged(row.instanceId()))));
	}

	/**
	 * Continues a stopped or failed run (or one whose process died) with exactly the
	 * input it started with, as the Run page's Restart does; 409 when the run does not
	 * offer it (finished, continued by a later execution, not its spec's last run, or its
	 * spec or input changed).
	 */
	@PostMapping("/runs/{id}/restart")
	ResponseEntity<Restarted> restart(@PathVariable long id, Principal principal) throws Exception {
		RunControl.Remaining remaining = control.remaining(id);
		try {
			long execution = control.restart(id, Actors.of(principal));
			return ResponseEntity.accepted().body(new Restarted(execution, remaining.queued(), remaining.unread()));
		}
		catch (SpecException ex) {
			// The spec or its input is no longer what the run started with: a conflict
			// with the run's state, as for the pages.
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/**
	 * Lets a run held before sending send, with the number it would send confirmed
	 * ({@code expected}); 409 when that changed.
	 */
	@PostMapping("/runs/{id}/confirm")
	ResponseEntity<Launched> confirm(@PathVariable long id, @RequestBody SendRequest request, Principal principal)
			throws Exception {
		return ResponseEntity.accepted()
			.body(new Launched(control.confirm(id, request.expected(), Actors.of(principal))));
	}

	/**
	 * Gives up a stopped or failed run, naming the number of queued invitations it
	 * cancels ({@code expected}, as {@code GET /runs/{id}} and the page show it); 409
	 * when that changed or the run does not offer it.
	 */
	@PostMapping("/runs/{id}/abandon")
	ResponseEntity<Abandoned> abandon(@PathVariable long id, @RequestBody AbandonRequest request, Principal principal)
			throws Exception {
		return ResponseEntity.ok(new Abandoned(control.abandon(id, request.expected(), Actors.of(principal))));
	}

	/** Stops a running run at its next chunk, from any process. */
	@PostMapping("/runs/{id}/stop")
	ResponseEntity<Stopping> stop(@PathVariable long id, Principal principal) throws Exception {
		GracefulStop.Request request = control.stop(id, Actors.of(principal));
		return ResponseEntity
			.status(request == GracefulStop.Request.STOPPING ? HttpStatus.ACCEPTED : HttpStatus.CONFLICT)
			.body(new Stopping(request.name()));
	}

	/**
	 * Starts a dry run of a spec of the jobs folder; read its totals, then confirm with
	 * {@code /runs/{id}/send}.
	 */
	@PostMapping("/specs/{file}/dry-run")
	ResponseEntity<?> dryRun(@PathVariable String file, Principal principal) throws Exception {
		SpecCatalog.Entry entry = catalog.find(file).orElse(null);
		if (entry == null || entry.spec() == null) {
			return ResponseEntity.status(entry == null ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST)
				.body(new Problem(entry == null ? "no spec " + file
						: entry.error() != null ? entry.error() : file + " is an expiry spec"));
		}
		return ResponseEntity.accepted().body(new Launched(launches.run(entry.spec(), true, Actors.of(principal))));
	}

	/**
	 * Sends what a finished dry run showed; 409 when its number or the selection changed
	 * since.
	 */
	@PostMapping("/runs/{id}/send")
	ResponseEntity<Launched> send(@PathVariable long id, @RequestBody SendRequest request, Principal principal)
			throws Exception {
		DryRunConfirmation.Confirmed confirmed = confirmation.check(id, request.expected());
		String actor = Actors.of(principal);
		long execution = sends.launch(confirmed, actor);
		return ResponseEntity.accepted().body(new Launched(execution));
	}

	@PostMapping("/invitations/{id}/cancel")
	ResponseEntity<?> cancel(@PathVariable long id, @RequestBody CancelRequest request, Principal principal) {
		if (!admin.exists(id)) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Problem("no invitation " + id));
		}
		if (request.reason() == null || request.reason().isBlank()) {
			return ResponseEntity.badRequest().body(new Problem("a reason is required"));
		}
		boolean suppress = Boolean.TRUE.equals(request.suppress());
		InvitationStore.Cancelled done = admin.cancel(id, null, Actors.of(principal), request.reason(), suppress);
		return ResponseEntity.ok(new Cancelled(done.cancelled(), suppress ? done.suppressed() : null));
	}

	/**
	 * Starts the dry run of resending one invitation; confirm it with {@code /runs/{dry
	 * run}/send}.
	 */
	@PostMapping("/invitations/{id}/resend")
	ResponseEntity<?> resend(@PathVariable long id, Principal principal) throws Exception {
		if (!admin.exists(id)) {
			return ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Problem("no invitation " + id));
		}
		InvitationSearch.Filter one = new InvitationSearch.Filter(null, null, null, null, null, id);
		return ResponseEntity.accepted().body(new Launched(resends.dryRun(one, Actors.of(principal))));
	}

	/**
	 * Every worker known, alive or not, newest first, with the partition it sends now, as
	 * the Workers page shows them.
	 */
	@GetMapping("/workers")
	List<PartitionView.Worker> workers() {
		return partitions.workers();
	}

	@ExceptionHandler(IllegalStateException.class)
	ResponseEntity<Problem> conflict(IllegalStateException ex) {
		return ResponseEntity.status(HttpStatus.CONFLICT).body(new Problem(ex.getMessage()));
	}

	@ExceptionHandler({ SpecException.class, IllegalArgumentException.class })
	ResponseEntity<Problem> badRequest(RuntimeException ex) {
		return ResponseEntity.badRequest().body(new Problem(ex.getMessage()));
	}

}
