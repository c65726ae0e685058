package org.invitations.run;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Who launches the runs of the current thread, when a person in the console or a client
 * of the API does ({@code console:alice}, {@code api:crm}): a run's listeners, called on
 * the launching thread, record it as the run's launcher and tell them when it ends. Runs
 * from the command line or a schedule have none.
 */
public final class LaunchedBy {

	private static final ThreadLocal<@Nullable String> ACTOR = new ThreadLocal<>();

	private LaunchedBy() {
	}

	/** Runs the launch with the actor as the launcher of the runs it starts. */
	public static <T> T as(String actor, Callable<T> launch) throws Exception {
		String before = ACTOR.get();
		ACTOR.set(actor);
		try {
			return launch.call();
		}
		finally {
			ACTOR.set(before);
		}
	}

	/** The launcher of the current thread's runs, or {@code null}. */
	public static @Nullable String current() {
		return ACTOR.get();
	}

}
