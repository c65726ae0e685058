package org.invitations.launch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.util.unit.DataSize;

import org.invitations.people.PeopleFilter;
import org.invitations.people.Selections;
import org.invitations.role.Roles;
import org.invitations.spec.JobSpec;
import org.invitations.spec.Kind;
import org.invitations.spec.SpecDerivation;
import org.invitations.spec.SpecException;

/**
 * A send prepared in the console: people chosen on the People page (or one Person page),
 * or an import file uploaded from the browser, with a role, a kind and a template, and
 * the settings (link, sender, lifetime) of a spec of the jobs folder. It becomes a spec
 * of its own in the sends folder and starts as a dry run; its page then offers to send
 * exactly what the dry run counted, as any spec's launch does.
 */
@Service
public class SendDrafts {

	private final JdbcTemplate jdbc;

	private final Selections selections;

	private final BackgroundLaunches launches;

	public SendDrafts(JdbcTemplate jdbc, Selections selections, BackgroundLaunches launches) {
		this.jdbc = jdbc;
		this.selections = selections;
		this.launches = launches;
	}

	/**
	 * What is sent and how.
	 *
	 * @param base the spec whose settings the send takes
	 * @param role the role given
	 * @param kind what is sent
	 * @param template the template set
	 * @param folder the sends folder, where each send's spec (and import file) is kept
	 */
	public record Choice(JobSpec base, String role, Kind kind, String template, Path folder) {
	}

	/**
	 * Starts the dry run of a send to these people, or to every one the filter matches.
	 * @param people ticked people, or {@code null} for every one the filter matches
	 * @return the dry run's execution id
	 */
	public long people(@Nullable Collection<Long> people, PeopleFilter filter, Choice choice, String actor)
			throws Exception {
		check(choice);
		Selections.Selection selection = people != null ? selections.ofPeople(people, actor)
				: selections.matching(filter, actor);
		if (selection.people() == 0) {
			throw new IllegalArgumentException("no person was chosen: tick some, or choose all that match a filter");
		}
		String name = name(choice.base(), "people", choice.folder());
		JobSpec spec = SpecDerivation.write(choice.base(),
				new SpecDerivation.Choice(name, "People chosen by " + actor + ": " + selection.description(), null,
						selection.id(), choice.role(), choice.kind(), choice.template()),
				choice.folder().resolve(name));
		return launches.run(spec, true, actor);
	}

	/**
	 * Stores an uploaded import file (streamed to disk, never held in memory) beside a
	 * spec of its own and starts its dry run, which checks the file with the command
	 * line's limits and reports every row.
	 * @param fileName the name the browser gave, kept (made safe) for the reports
	 * @return the dry run's execution id
	 * @throws SpecException when the file cannot be used (naming the line and why)
	 */
	public long upload(String fileName, InputStream content, Choice choice, String actor) throws Exception {
		check(choice);
		String name = name(choice.base(), "import", choice.folder());
		Path folder = choice.folder().resolve(name);
		try {
			String safe = safeName(fileName);
			Path file = folder.resolve(safe);
			long bytes = Files.copy(content, file);
			JobSpec spec = SpecDerivation.write(choice.base(),
					new SpecDerivation.Choice(
							name, "Import of " + safe + " (" + DataSize.ofBytes(bytes).toKilobytes()
									+ " KB) uploaded by " + actor,
							safe, null, choice.role(), choice.kind(), choice.template()),
					folder);
			return launches.run(spec, true, actor);
		}
		catch (SpecException ex) {
			// Nothing ran: the send leaves nothing behind, and the error names the file
			// as
			// the browser sent it, not where the server keeps it.
			delete(folder);
			throw new IllegalArgumentException(ex.getMessage().replace(folder.toAbsolutePath() + "/", ""), ex);
		}
		catch (Exception ex) {
			delete(folder);
			throw ex;
		}
	}

	private void check(Choice choice) {
		if (!new Roles(jdbc).names().contains(choice.role())) {
			throw new IllegalArgumentException("no role '" + choice.role() + "': add it with roles add first");
		}
	}

	/**
	 * {@code demo-people-7}: the base spec's name, what it is, and the next number whose
	 * folder is free; the folder is made, so that two sends never share one (a database
	 * started afresh beside an older sends folder numbers from 1 again).
	 */
	private String name(JobSpec base, String what, Path folder) throws IOException {
		String prefix = base.name().length() > 60 ? base.name().substring(0, 60) : base.name();
		Files.createDirectories(folder);
		while (true) {
			String name = prefix + "-" + what + "-" + jdbc.queryForObject("SELECT nextval('console_send')", Long.class);
			try {
				Files.createDirectory(folder.resolve(name));
				return name;
			}
			catch (java.nio.file.FileAlreadyExistsException ex) {
				// Taken by an earlier database's send: the next number.
			}
		}
	}

	/**
	 * The browser's file name, reduced to letters, digits, '.', '_' and '-', ending .csv.
	 */
	public static String safeName(String fileName) {
		String last = fileName.replace('\\', '/');
		last = last.substring(last.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^[._]+", "");
		if (last.length() > 100) {
			last = last.substring(last.length() - 100);
		}
		if (!last.toLowerCase(Locale.ROOT).endsWith(".csv")) {
			last = (last.isEmpty() ? "import" : last) + ".csv";
		}
		return last;
	}

	private static void delete(Path folder) {
		try (Stream<Path> files = Files.walk(folder)) {
			files.sorted(Comparator.reverseOrder()).forEach(path -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException | UncheckedIOException ex) {
			// What is left is an unused folder of the sends folder; nothing reads it.
		}
	}

}
