package org.invitations.console;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import org.invitations.launch.BackgroundLaunches;
import org.invitations.launch.ExecutionEvents;
import org.invitations.launch.GracefulStop;
import org.invitations.launch.RunAbandoner;
import org.invitations.launch.RunActions;
import org.invitations.launch.RunHistory;
import org.invitations.report.ReportQueries;
import org.invitations.report.RunListing;

/**
 * Stop, restart, confirm and abandon, for the Run page and the API alike: each is done
 * only when the run offers it now ({@link RunActions}), and a restart or an abandon names
 * the numbers it acts on, so a page shown before a later execution changed them acts on
 * nothing.
 */
@Component
@ConditionalOnWebApplication
class RunControl {

	private final RunActions actions;

	private final BackgroundLaunches launches;

	private final GracefulStop stop;

	private final RunAbandoner abandoner;

	private final ExecutionEvents events;

	private final ReportQueries reports;

	private final RunListing listing;

	private final RunHistory history;

	private final ExpiryRestarts expiries;

	RunControl(RunActions actions, BackgroundLaunches launches, GracefulStop stop, RunAbandoner abandoner,
			ExecutionEvents events, ReportQueries reports, RunListing listing, RunHistory history,
			ExpiryRestarts expiries) {
		this.actions = actions;
		this.launches = launches;
		this.stop = stop;
		this.abandoner = abandoner;
		this.events = events;
		this.reports = reports;
		this.listing = listing;
		this.history = history;
		this.expiries = expiries;
	}

	/**
	 * What continuing a run would do.
	 *
	 * @param queued invitations it queued and has not sent
	 * @param inDoubt invitations that were on their way when it stopped, sent again as in
	 * doubt
	 * @param unread input rows not read yet, checked as the dry run checked them
	 * @param rows the input's rows
	 */
	record Remaining(long queued, long inDoubt, long unread, long rows) {
	}

	/**
	 * @throws IllegalArgumentException when there is no such execution
	 */
	Remaining remaining(long executionId) {
		RunListing.RunRow run = listing.one(executionId);
		if (run == null) {
			throw new IllegalArgumentException("no job execution " + executionId);
		}
		if (run.job().equals("expiryJob")) {
			return new Remaining(0, 0, 0, 0);
		}
		RunHistory.Unsent unsent = history.unsent(run.instanceId());
		return new Remaining(unsent.queued(), unsent.inDoubt(), Math.max(0, run.items() - run.total()), run.items());
	}

	/**
	 * Continues the run (a recovered one too) from where it stopped, with exactly its
	 * input.
	 * @return the new execution's id
	 */
	long restart(long executionId, String actor) throws Exception {
		RunActions.Offer offer = actions.of(executionId);
		if (!offer.has("RESTART") && !offer.has("RECOVER")) {
			actions.require(executionId, RunActions.Action.RESTART);
		}
		ReportQueries.Execution execution = reports.execution(executionId);
		if (execution.job().equals("expiryJob")) {
			long restarted = expiries.restart(execution, actor);
			events.record(restarted, "RESTARTED", actor, "from execution " + executionId);
			return restarted;
		}
		return launches.restart(executionId, actor);
	}

	/**
	 * Lets a held run send, with the number it would send confirmed.
	 * @throws IllegalStateException when that number changed since the page showed it
	 */
	long confirm(long executionId, long expected, String actor) throws Exception {
		actions.require(executionId, RunActions.Action.CONFIRM);
		long queued = remaining(executionId).queued();
		if (queued != expected) {
			throw new IllegalStateException("it would send " + queued + " now, not the " + expected
					+ " confirmed: nothing was sent; check its rows again");
		}
		return launches.restart(executionId, expected, actor);
	}

	/**
	 * Gives up the run; its queued invitations are cancelled.
	 * @return how many were cancelled
	 * @throws IllegalStateException when its number of queued invitations changed since
	 * the page showed it
	 */
	int abandon(long executionId, long expected, String actor) throws Exception {
		actions.require(executionId, RunActions.Action.ABANDON);
		long queued = remaining(executionId).queued();
		if (queued != expected) {
			throw new IllegalStateException(queued + " invitations are queued now, not the " + expected
					+ " confirmed: nothing was abandoned; check the run again");
		}
		int cancelled = abandoner.abandon(executionId, actor + ": abandon of execution " + executionId);
		events.record(executionId, "ABANDONED", actor, cancelled + " queued invitations cancelled");
		return cancelled;
	}

	GracefulStop.Request stop(long executionId, String actor) throws Exception {
		GracefulStop.Request request = stop.request(executionId);
		if (request == GracefulStop.Request.STOPPING) {
			events.record(executionId, "STOP_REQUESTED", actor, null);
		}
		return request;
	}

}
