package org.invitations;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import org.invitations.cli.InvitationsCommand;

/** Entry point: the command line decides what to do and starts Spring only when a command needs it. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InvitationsApplication {

	public static void main(String[] args) {
		System.exit(InvitationsCommand.execute(args));
	}

}
