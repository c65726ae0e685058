package org.invitations.support;

/**
 * A configuration property whose value cannot be used, found as the application starts:
 * its message is one line naming the property and the cause, and the command line ends
 * with the exit code of every configuration error (2).
 */
public class InvalidSettingException extends RuntimeException {

	public InvalidSettingException(String message) {
		super(message);
	}

	public InvalidSettingException(String message, Throwable cause) {
		super(message, cause);
	}

}
