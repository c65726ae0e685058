package org.invitations.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

import org.invitations.console.ConsoleServer;

/**
 * {@code serve}: the admin console and the HTTP API, a web application on the same database as the command line.
 * Runs launched from it run in this process, through the same launcher as {@code run}.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
		description = { "Starts the admin console and the HTTP API (default port 8080; --server.port=N to change it).",
				"Sign in with a user made by the users command. Runs launched from the console run in this process",
				"with the same locks, restart and crash recovery as the run command." })
class ServeCommand extends Subcommand implements Callable<Integer> {

	@Override
	public Integer call() throws Exception {
		// The other commands are no web applications and start without a server; this one is.
		root.overrideSpring("spring.main.web-application-type", "servlet");
		// The scheduled specs run in the long-lived process, from the folder the Specs page lists, unless configured.
		root.defaultSpring("invitations.scheduler.enabled", "true");
		root.defaultSpring("invitations.scheduler.folder", "${invitations.console.jobs:jobs}");
		ConsoleServer server = bean(ConsoleServer.class);
		err().println("Console at http://localhost:" + server.port() + "/ (API under /api/v1/)");
		server.awaitClose();
		return 0;
	}

}
