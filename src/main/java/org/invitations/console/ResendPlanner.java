package org.invitations.console;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import org.invitations.run.JobParameterNames;
import org.invitations.launch.BackgroundLaunches;
import org.invitations.launch.RunHistory;
import org.invitations.lifecycle.InvitationSearch;
import org.invitations.resend.ResendFilter;
import org.invitations.spec.SpecLoader;

/**
 * Turns a selection of invitations into the dry run of their spec's resend run, as
 * {@code resend SPEC --dry-run} with the same filters: its page or answer says how many
 * would be sent, and its send confirms that number.
 */
@Component
@ConditionalOnWebApplication
class ResendPlanner {

	private final InvitationSearch search;

	private final RunHistory history;

	private final BackgroundLaunches launches;

	ResendPlanner(InvitationSearch search, RunHistory history, BackgroundLaunches launches) {
		this.search = search;
		this.history = history;
		this.launches = launches;
	}

	/**
	 * @return the dry run's execution id
	 * @throws IllegalArgumentException when the selection is of no spec or of several, or
	 * cannot be resent
	 */
	long dryRun(InvitationSearch.Filter selection, String actor) throws Exception {
		return dryRun(selection, false, actor);
	}

	/**
	 * @param anyInterval the operator's override of the spec's
	 * {@code resend.min-interval}, recorded with the run's launch
	 */
	long dryRun(InvitationSearch.Filter selection, boolean anyInterval, String actor) throws Exception {
		List<String> specs = search.specs(selection);
		if (specs.size() != 1) {
			throw new IllegalArgumentException(specs.isEmpty() ? "no invitation matches"
					: "the matching invitations are of " + specs.size() + " specs: choose one spec to resend");
		}
		// The spec file its last run was started from: resend goes through that spec's
		// template and link.
		RunHistory.LastExecution last = history.last(specs.get(0), false);
		String specPath = last == null ? null : last.parameters().get(JobParameterNames.SPEC_PATH);
		if (specPath == null) {
			throw new IllegalArgumentException("no run of spec '" + specs.get(0) + "' names its spec file");
		}
		String status = selection.status();
		ResendFilter filter = new ResendFilter(selection.email(), selection.invitation(), selection.execution(),
				selection.group(), status == null || status.equalsIgnoreCase("open") ? null : status, anyInterval);
		return launches.resend(new SpecLoader().load(Path.of(specPath)), filter, true, null, actor);
	}

}
