package org.invitations.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import org.invitations.InvitationsProperties;
import org.invitations.launch.SendDrafts;
import org.invitations.role.Roles;
import org.invitations.spec.JobSpec;
import org.invitations.spec.Kind;

/**
 * What the send forms of the People, Person and Import pages offer (the specs whose
 * settings a send can take, the roles, kinds and template sets) and the choice a form
 * makes, checked.
 */
@Component
@ConditionalOnWebApplication
class SendForms {

	private final SpecCatalog catalog;

	private final ConsoleProperties properties;

	private final Path folder;

	private final JdbcTemplate jdbc;

	SendForms(SpecCatalog catalog, ConsoleProperties properties, InvitationsProperties application, JdbcTemplate jdbc) {
		this.catalog = catalog;
		this.properties = properties;
		this.folder = properties.sends() != null ? properties.sends() : application.home().resolve("console-sends");
		this.jdbc = jdbc;
	}

	/**
	 * A spec whose settings a send can take, as a form lists it.
	 *
	 * @param file its file name in the jobs folder
	 * @param host the host of its set-password link
	 * @param linkLifetime how long its links work
	 */
	record Base(String file, String name, String host, Duration linkLifetime) {

		static Base of(JobSpec spec) {
			return new Base(spec.file().getFileName().toString(), spec.name(), spec.linkBaseUrl().getHost(),
					spec.tokenTtl());
		}

	}

	/**
	 * What a form offers.
	 *
	 * @param bases the invitation specs whose settings a send can take
	 * @param base the one chosen unless the sender picks another, or {@code null} when
	 * there is none
	 * @param roles the roles that exist
	 * @param templates the template sets of the base spec's templates folder, and the
	 * built-in one
	 */
	record Options(List<Base> bases, Base base, List<String> roles, List<String> templates) {

		public boolean usable() {
			return base != null;
		}

	}

	Options options() {
		List<JobSpec> specs = catalog.entries()
			.stream()
			.filter(e -> e.spec() != null)
			.map(SpecCatalog.Entry::spec)
			.toList();
		JobSpec base = specs.stream()
			.filter(spec -> spec.file().getFileName().toString().equals(properties.baseSpec()))
			.findFirst()
			.orElse(specs.isEmpty() ? null : specs.get(0));
		return new Options(specs.stream().map(Base::of).toList(), base == null ? null : Base.of(base),
				new Roles(jdbc).names(), base == null ? List.of("default") : templates(base));
	}

	/**
	 * The form's choice.
	 * @throws IllegalArgumentException naming what is wrong
	 */
	SendDrafts.Choice choice(String baseFile, String role, String kind, String template) {
		SpecCatalog.Entry entry = catalog.find(baseFile).orElse(null);
		if (entry == null || entry.spec() == null) {
			throw new IllegalArgumentException("no usable invitation spec " + baseFile + " in the jobs folder");
		}
		Kind chosen = Kind.fromKey(kind);
		if (!templates(entry.spec()).contains(template)) {
			throw new IllegalArgumentException("no template set '" + template + "' for " + baseFile);
		}
		return new SendDrafts.Choice(entry.spec(), role, chosen, template, folder);
	}

	/** The built-in set, then the sets of the spec's templates folder. */
	private static List<String> templates(JobSpec spec) {
		List<String> sets = new ArrayList<>(List.of("default"));
		if (Files.isDirectory(spec.templates())) {
			try (Stream<Path> folders = Files.list(spec.templates())) {
				folders.filter(Files::isDirectory)
					.map(f -> f.getFileName().toString())
					.filter(n -> n.matches("[\\w.-]+") && !sets.contains(n))
					.sorted()
					.forEach(sets::add);
			}
			catch (IOException ex) {
				// Unreadable: only the built-in set is offered.
			}
		}
		return sets;
	}

}
