package org.invitations.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;
import org.invitations.lifecycle.SuppressionCsv;
import org.invitations.lifecycle.SuppressionList;

/**
 * {@code suppress}: the addresses no run invites again, as the console's Suppressed page
 * keeps them.
 */
@Command(name = "suppress", mixinStandardHelpOptions = true,
		description = { "Lists the suppressed addresses (no run, resend or reminder sends to them), adds one with a",
				"reason, or lifts one so that runs may invite it again. A lifted entry stays in the database",
				"with who lifted it and when. 'import FILE' adds the rows of a CSV file (column email; reason",
				"and detail optional), 'export' writes the list as CSV to standard output." })
class SuppressCommand extends Subcommand implements Callable<Integer> {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'")
		.withZone(ZoneOffset.UTC);

	/** What to do with the list. */
	enum Action {

		LIST, ADD, REMOVE, IMPORT, EXPORT

	}

	@Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", defaultValue = "LIST",
			description = "list (default), add, remove, import or export")
	Action action;

	@Parameters(index = "1", arity = "0..1", paramLabel = "EMAIL|FILE",
			description = "the address, for add and remove; the CSV file, for import")
	String email;

	@Option(names = "--reason", paramLabel = "TEXT",
			description = "why it is not to be invited; required by add, and by import for rows without a detail")
	String reason;

	@Option(names = "--by", paramLabel = "NAME", defaultValue = "${sys:user.name}",
			description = "who adds or lifts it (default: the OS user)")
	String by;

	@Option(names = "--limit", paramLabel = "N", defaultValue = "100",
			description = "list: at most this many, newest first (default 100)")
	int limit;

	@Override
	public Integer call() {
		String verb = action.name().toLowerCase(Locale.ROOT);
		if (action == Action.IMPORT) {
			if (email == null) {
				throw usage("suppress import needs the CSV FILE");
			}
			return importFile(Path.of(email));
		}
		if (action == Action.EXPORT) {
			if (email != null || reason != null) {
				throw usage("suppress export takes no address or reason: it writes the whole list to standard output");
			}
			bean(SuppressionCsv.class).export(out());
			out().flush();
			return 0;
		}
		if (action != Action.LIST && email == null) {
			throw usage("suppress " + verb + " needs the EMAIL address");
		}
		if (action == Action.LIST && email != null) {
			throw usage("suppress list takes no address: it lists them all");
		}
		if (action != Action.ADD && reason != null) {
			throw usage("--reason applies only to suppress add and import");
		}
		if (action == Action.ADD && (reason == null || reason.isBlank())) {
			throw usage("suppress add needs --reason TEXT: why this address is not to be invited");
		}
		if (limit < 1) {
			throw usage("--limit must be at least 1, not " + limit);
		}
		SuppressionList list = bean(SuppressionList.class);
		String actor = "operator:" + by;
		switch (action) {
			case ADD -> {
				Suppressions.Added added;
				try {
					added = list.add(email, reason, "command line", actor);
				}
				catch (IllegalArgumentException ex) {
					err().println("error: " + ex.getMessage());
					return InvitationsCommand.BAD_INPUT;
				}
				out().println(added.added()
						? added.entry().email()
								+ " suppressed: no run, resend or reminder sends to it until it is lifted"
						: added.entry().email() + " is " + added.entry().describe() + "; nothing changed");
			}
			case REMOVE -> {
				Optional<Suppression> lifted = list.lift(email, actor);
				if (lifted.isEmpty()) {
					throw notFound(email.strip() + " is not suppressed");
				}
				out().println(lifted.get().email() + " lifted: runs may invite it again (it was "
						+ lifted.get().describe() + ")");
			}
			default -> list(list);
		}
		return 0;
	}

	/**
	 * Every row ends in one count; rejected rows are listed (the first hundred) and make
	 * the exit code 2, after the others were added.
	 */
	private int importFile(Path file) {
		String name = file.toString();
		SuppressionCsv.Imported imported;
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			imported = bean(SuppressionCsv.class).importFrom(reader, name, reason, "operator:" + by);
		}
		catch (NoSuchFileException ex) {
			err().println("error: " + name + ": no such file");
			return InvitationsCommand.BAD_INPUT;
		}
		catch (IOException | UncheckedIOException ex) {
			err().println("error: " + name + " cannot be read: " + ex.getMessage());
			return InvitationsCommand.BAD_INPUT;
		}
		catch (IllegalArgumentException ex) {
			err().println("error: " + ex.getMessage());
			return InvitationsCommand.BAD_INPUT;
		}
		out().println(imported.summary(name));
		imported.rejections().forEach(why -> out().println("rejected: " + why));
		if (imported.rejected() > imported.rejections().size()) {
			out().println("rejected: " + (imported.rejected() - imported.rejections().size()) + " more rows");
		}
		return imported.rejected() == 0 ? 0 : InvitationsCommand.BAD_INPUT;
	}

	private void list(SuppressionList list) {
		var out = out();
		out.printf("%-32s %-11s %-17s %-20s %s%n", "ADDRESS", "REASON", "SINCE", "BY", "DETAIL");
		for (Suppression entry : list.page(null, null, limit)) {
			out.printf("%-32s %-11s %-17s %-20s %s (%s)%n", entry.email(), entry.reason().name(),
					TIME.format(entry.since()), entry.by(), entry.detail(), entry.source());
		}
	}

}
