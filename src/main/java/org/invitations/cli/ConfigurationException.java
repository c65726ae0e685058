package org.invitations.cli;

/**
 * A setting that cannot mean anything, found before the application starts: one line,
 * exit code 2.
 */
class ConfigurationException extends RuntimeException {

	ConfigurationException(String message) {
		super(message);
	}

}
