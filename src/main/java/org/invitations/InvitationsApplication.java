package org.invitations;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import org.invitations.cli.InvitationsCommand;
import org.invitations.launch.GracefulStop;

/**
 * Entry point: the command line decides what to do and starts Spring only when a command
 * needs it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InvitationsApplication {

	public static void main(String[] args) {
		// A stop on request finishes and records what is on its way, where the JVM's
		// default would just exit.
		GracefulStop.installSignalHandlers(InvitationsCommand.STOPPED);
		System.exit(InvitationsCommand.execute(args));
	}

}
