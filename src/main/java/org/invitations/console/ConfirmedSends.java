package org.invitations.console;

import java.nio.file.Path;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import org.invitations.guard.RecipientGuard;
import org.invitations.run.JobParameterNames;
import org.invitations.launch.BackgroundLaunches;
import org.invitations.launch.DryRunConfirmation;
import org.invitations.report.ReportQueries;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * The real run after "Send N invitations", for the pages and the API alike. The
 * operator's confirmation of N is the one the blast-radius guard asks for (as
 * {@code run --confirm N}): the run sends only if it still would send exactly N, and
 * stops before sending otherwise.
 */
@Component
@ConditionalOnWebApplication
class ConfirmedSends {

	private final BackgroundLaunches launches;

	private final RecipientGuard guard;

	private final ReportQueries reports;

	ConfirmedSends(BackgroundLaunches launches, RecipientGuard guard, ReportQueries reports) {
		this.launches = launches;
		this.guard = guard;
		this.reports = reports;
	}

	/**
	 * The spec's limit when a send of {@code wouldSend} is over it, else {@code null}.
	 */
	Long exceededLimit(JobSpec spec, long wouldSend) {
		Long limit = guard.limit(spec);
		return limit != null && wouldSend > limit ? limit : null;
	}

	/**
	 * The same for a finished dry run that would send {@code wouldSend} (-1 for none):
	 * its spec's limit if over.
	 */
	Long exceededLimit(long dryRun, long wouldSend) {
		ReportQueries.Execution execution = wouldSend < 0 ? null : reports.execution(dryRun);
		String path = execution == null ? null : execution.parameters().get(JobParameterNames.SPEC_PATH);
		String source = execution == null ? null : execution.parameters().get(JobParameterNames.SOURCE_CHECKSUM);
		if (path == null || source == null || source.startsWith("resend:")) {
			return null;
		}
		try {
			return exceededLimit(new SpecLoader().load(Path.of(path)), wouldSend);
		}
		catch (SpecException ex) {
			// The send says why when it is tried; the page only leaves out the warning.
			return null;
		}
	}

	/**
	 * Starts the confirmed run and returns its execution's id. The dry run's number goes
	 * with it, always: the run sends only if it still would send exactly that many, and
	 * is held before sending anything otherwise (its page then shows whom it would send
	 * and asks again), so nobody is sent whom the operator did not count.
	 */
	long launch(DryRunConfirmation.Confirmed confirmed, String actor) throws Exception {
		if (confirmed.filter() != null) {
			return launches.resend(confirmed.spec(), confirmed.filter(), false, confirmed.count(), actor);
		}
		return launches.runConfirmed(confirmed.spec(), confirmed.count(), actor);
	}

}
