package org.invitations.spec;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A job spec or its input that cannot be used; the message is one line naming the file
 * and key.
 */
public class SpecException extends RuntimeException {

	public SpecException(Path file, @Nullable String where, String problem) {
		super(file + (where == null || where.isEmpty() ? "" : ": " + where) + ": " + problem);
	}

	public SpecException(String message) {
		super(message);
	}

}
