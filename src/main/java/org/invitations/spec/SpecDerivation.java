package org.invitations.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The spec of one send from the console: another spec's settings (the link, sender,
 * organisation, link lifetime, chunk size, limits and notifications) with the source,
 * role, kind and template chosen for the send, and no schedule. It is written to a file
 * of its own and read back like any spec, so its runs restart, report and resend as every
 * run does; it never changes once written.
 */
public final class SpecDerivation {

	private static final YAMLMapper YAML = YAMLMapper.builder().build();

	private SpecDerivation() {
	}

	/**
	 * What the send changes.
	 *
	 * @param name the new spec's name (its runs' history)
	 * @param description how its people were chosen, and by whom
	 * @param csv the import file beside the new spec, or {@code null}
	 * @param selection the stored selection, or {@code null}
	 * @param role the role its people are given
	 * @param kind what it sends
	 * @param template the template set, looked up in the base spec's templates folder,
	 * then built in
	 */
	public record Choice(String name, String description, String csv, Long selection, String role, Kind kind,
			String template) {
	}

	/**
	 * Writes the derived spec as {@code spec.yml} in {@code folder} and reads it back.
	 * @throws SpecException when the result is not a valid spec (a role or template name
	 * that is not one)
	 */
	public static JobSpec write(JobSpec base, Choice choice, Path folder) {
		try {
			JsonNode tree = YAML.readTree(Files.readString(base.file()));
			if (!(tree instanceof ObjectNode spec)) {
				throw new SpecException(base.file(), null, "is not a spec");
			}
			spec.put("name", choice.name());
			spec.put("description", choice.description());
			ObjectNode source = spec.putObject("source");
			if (choice.csv() != null) {
				source.put("csv", choice.csv());
			}
			else {
				source.put("selection", choice.selection());
			}
			spec.put("role", choice.role());
			spec.put("kind", choice.kind().key());
			spec.put("template", choice.template());
			if (Files.isDirectory(base.templates())) {
				spec.put("templates", base.templates().toString());
			}
			// A send is launched by a person, once: never by the scheduler.
			spec.remove("schedule");
			Files.createDirectories(folder);
			Path file = folder.resolve("spec.yml");
			Files.writeString(file, YAML.writeValueAsString(spec));
			return new SpecLoader().load(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
