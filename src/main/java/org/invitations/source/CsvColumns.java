package org.invitations.source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.invitations.spec.SpecException;

/**
 * Positions of the known columns in a CSV header.
 *
 * @param size number of header fields; every row must have as many
 * @param ignored header names that are not known columns
 */
public record CsvColumns(int size, int email, int firstName, int lastName, int externalId, int emailActive, int groups,
		List<String> ignored) {

	static final List<String> REQUIRED = List.of("email", "first_name", "last_name");

	static final List<String> OPTIONAL = List.of("external_id", "email_active", "groups");

	static CsvColumns of(Path file, List<String> header) {
		List<String> names = header.stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
		for (String required : REQUIRED) {
			if (!names.contains(required)) {
				throw new SpecException(file, "line 1", "header has no column '" + required + "' (required: "
						+ String.join(", ", REQUIRED) + "; optional: " + String.join(", ", OPTIONAL) + ")");
			}
		}
		List<String> ignored = new ArrayList<>();
		for (int i = 0; i < names.size(); i++) {
			if (names.indexOf(names.get(i)) != i) {
				throw new SpecException(file, "line 1", "column '" + names.get(i) + "' appears twice");
			}
			if (!REQUIRED.contains(names.get(i)) && !OPTIONAL.contains(names.get(i))) {
				ignored.add(header.get(i));
			}
		}
		return new CsvColumns(names.size(), names.indexOf("email"), names.indexOf("first_name"),
				names.indexOf("last_name"), names.indexOf("external_id"), names.indexOf("email_active"),
				names.indexOf("groups"), List.copyOf(ignored));
	}

}
