package org.invitations.report;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The forms a report can take. */
public enum ReportFormat {

	TEXT, CSV, JSON, HTML;

	/** The format named (any case), or {@code null}. */
	public static ReportFormat named(String name) {
		return Arrays.stream(values()).filter(f -> f.name().equalsIgnoreCase(name)).findFirst().orElse(null);
	}

	public static String names() {
		return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
	}

}
