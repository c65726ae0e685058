package org.invitations.cli;

/** A command asked about something that does not exist: one line, not the usage help. */
class NotFoundException extends RuntimeException {

	NotFoundException(String message) {
		super(message);
	}

}
