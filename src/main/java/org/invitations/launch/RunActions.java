package org.invitations.launch;

import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Service;

import org.invitations.run.ExecutionOwnership;

/**
 * What can be done to a run, by its real state in the job repository, for the console's
 * pages and the API alike: a run that a later execution continued or finished offers
 * nothing; only the spec's last run can be restarted or abandoned; a run this process is
 * running can only be stopped; "recover" is for a run whose process is known to be gone.
 * The pages show exactly these actions, and each action asks again before it acts.
 */
@Service
public class RunActions {

	/** An action on a run. */
	public enum Action {

		/** Stop at the next chunk (its process may be this one or another). */
		STOP,
		/** Continue the stopped or failed run from where it stopped. */
		RESTART,
		/** Mark failed a run whose process died, then continue it. */
		RECOVER,
		/** Give it up: what it had queued is cancelled. */
		ABANDON,
		/**
		 * Confirm the number a held run would send (over {@code max-recipients}, or not
		 * the number confirmed after its dry run).
		 */
		CONFIRM

	}

	/**
	 * What a run offers.
	 *
	 * @param actions the actions it offers
	 * @param note why it offers no action, when that is not plain from its status (a
	 * later execution continued it, a later run of its spec exists), or {@code null}
	 * @param continuedBy the later execution of the same run, or {@code null}
	 */
	public record Offer(Set<Action> actions, @Nullable String note, @Nullable Long continuedBy) {

		/** For the templates: {@code offer.has('RESTART')}. */
		public boolean has(String action) {
			return actions.contains(Action.valueOf(action.toUpperCase(Locale.ROOT)));
		}

		public boolean any() {
			return !actions.isEmpty();
		}

	}

	private final RunHistory history;

	private final ExecutionOwnership ownership;

	public RunActions(RunHistory history, ExecutionOwnership ownership) {
		this.history = history;
		this.ownership = ownership;
	}

	/** The offer of each execution, by id. */
	public Map<Long, Offer> of(Collection<Long> executionIds) {
		Set<Long> runningHere = new java.util.HashSet<>();
		ownership.runningHere().forEach(execution -> runningHere.add(execution.getId()));
		Map<Long, Offer> offers = new HashMap<>();
		history.standings(executionIds)
			.forEach((id, standing) -> offers.put(id, offer(standing, runningHere.contains(id))));
		return offers;
	}

	public Offer of(long executionId) {
		return of(List.of(executionId)).getOrDefault(executionId, new Offer(Set.of(), "no such execution", null));
	}

	/**
	 * @throws IllegalStateException saying why, when the run does not offer the action
	 * now
	 */
	public void require(long executionId, Action action) {
		Offer offer = of(executionId);
		if (!offer.actions().contains(action)) {
			String done = switch (action) {
				case STOP -> "stopped";
				case RESTART -> "restarted";
				case RECOVER -> "recovered";
				case ABANDON -> "abandoned";
				case CONFIRM -> "confirmed";
			};
			throw new IllegalStateException("execution " + executionId + " cannot be " + done + ": "
					+ (offer.note() != null ? offer.note() : why(executionId)));
		}
	}

	private String why(long executionId) {
		RunHistory.Standing standing = history.standings(List.of(executionId)).get(executionId);
		return standing == null ? "there is no such execution" : "it is " + standing.status();
	}

	private Offer offer(RunHistory.Standing run, boolean here) {
		if (run.latestOfRun() != run.executionId()) {
			return new Offer(Set.of(), "execution " + run.latestOfRun() + " continued this run", run.latestOfRun());
		}
		if (run.running()) {
			if (run.status().equals("STOPPING")) {
				return new Offer(Set.of(), here ? "stopping at its next chunk" : null, null);
			}
			// This process's own runs are running, whatever their heartbeat says.
			Optional<String> gone = here ? Optional.empty() : ownership.goneBecause(run.executionId());
			return gone.isPresent() ? new Offer(EnumSet.of(Action.RECOVER), "its process is gone: " + gone.get(), null)
					: new Offer(EnumSet.of(Action.STOP), null, null);
		}
		if (run.runEnded() || List.of("COMPLETED", "ABANDONED").contains(run.status())) {
			return new Offer(Set.of(), null, null);
		}
		if (run.specLast() != run.executionId()) {
			return new Offer(Set.of(), "a later run of its spec exists (execution " + run.specLast()
					+ "): only the last one can be continued", null);
		}
		Set<Action> actions = EnumSet.noneOf(Action.class);
		if (run.status().equals("UNKNOWN")) {
			actions.add(ownership.goneBecause(run.executionId()).isPresent() ? Action.RECOVER : Action.RESTART);
		}
		else {
			actions.add(run.held() ? Action.CONFIRM : Action.RESTART);
		}
		if (!run.job().equals("expiryJob") && List.of("STOPPED", "FAILED").contains(run.status())) {
			actions.add(Action.ABANDON);
		}
		return new Offer(actions, null, null);
	}

}
