package org.invitations.lifecycle;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.invitation.SuppressedBecause;
import org.invitations.invitation.Suppression;
import org.invitations.invitation.Suppressions;

/**
 * The suppression list as CSV, for moving it between systems (a provider's export of
 * bounced addresses, another installation): exported newest first a page at a time, and
 * imported a thousand rows per statement, so that neither holds the list in memory. Every
 * row of an import is counted as added, already suppressed or rejected with its line and
 * field.
 */
@Service
public class SuppressionCsv {

	/** The columns of an export; an import needs only {@code email}. */
	public static final List<String> COLUMNS = List.of("email", "reason", "detail", "source", "suppressed_by",
			"suppressed_at");

	private static final int BATCH = 1000;

	/** Rejected rows whose words are kept for the summary; the rest are only counted. */
	private static final int REJECTIONS_KEPT = 100;

	private static final CSVFormat READ = CSVFormat.RFC4180.builder()
		.setHeader()
		.setSkipHeaderRecord(true)
		.setIgnoreEmptyLines(true)
		.setTrim(true)
		.get();

	private static final CSVFormat WRITE = CSVFormat.RFC4180.builder().setHeader(COLUMNS.toArray(String[]::new)).get();

	private final Suppressions suppressions;

	public SuppressionCsv(JdbcTemplate jdbc) {
		this.suppressions = new Suppressions(jdbc);
	}

	/**
	 * What an import did: every data row is in exactly one count; the first rejections in
	 * words ({@code people.csv line 4, field email: …}).
	 */
	public record Imported(long added, long alreadySuppressed, long rejected, List<String> rejections) {

		public String summary(String file) {
			return file + ": " + added + " added, " + alreadySuppressed + " already suppressed, " + rejected
					+ " rejected";
		}

	}

	/** Writes every active entry, newest first, with a header line. */
	public void export(Appendable out) {
		try {
			CSVPrinter printer = WRITE.print(out);
			Long before = null;
			List<Suppression> page;
			do {
				page = suppressions.page(null, before, BATCH);
				for (Suppression entry : page) {
					printer.printRecord(entry.email(), entry.reason().name(), entry.detail(), entry.source(),
							entry.by(), DateTimeFormatter.ISO_INSTANT.format(entry.since()));
				}
				before = page.isEmpty() ? null : page.get(page.size() - 1).id();
			}
			while (page.size() == BATCH);
			printer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Adds the rows of a CSV file with a header line: column {@code email} required,
	 * {@code reason} ({@code ADMIN} when blank, or {@code HARD_BOUNCE},
	 * {@code COMPLAINT}) and {@code detail} optional; other columns (an export's source,
	 * author and time) are ignored: the entries are this import's, by {@code by}.
	 * @param file the file's name, for the source and the rejections
	 * @param defaultDetail the detail of rows without one; a row without either is
	 * rejected
	 * @throws IllegalArgumentException when the file is no CSV with an {@code email}
	 * column
	 */
	public Imported importFrom(Reader reader, String file, @Nullable String defaultDetail, String by) {
		CSVParser parser;
		try {
			parser = READ.parse(reader);
		}
		catch (IOException | UncheckedIOException | IllegalArgumentException ex) {
			throw new IllegalArgumentException(file + " line 1: not a CSV header line: " + ex.getMessage(), ex);
		}
		try (parser) {
			Map<String, Integer> header = columns(parser, file);
			Integer email = header.get("email");
			Integer reason = header.get("reason");
			Integer detail = header.get("detail");
			List<Suppressions.Entry> batch = new ArrayList<>(BATCH);
			Counts counts = new Counts();
			try {
				for (CSVRecord row : parser) {
					String line = file + " line " + parser.getCurrentLineNumber();
					try {
						batch.add(entry(row, email, reason, detail, defaultDetail));
					}
					catch (IllegalArgumentException ex) {
						counts.reject(line + ", " + ex.getMessage());
						continue;
					}
					if (batch.size() == BATCH) {
						counts.add(batch, suppressions.addAll(batch, "import of " + file, by));
						batch.clear();
					}
				}
			}
			catch (UncheckedIOException ex) {
				// What came before the broken line is kept, and said.
				counts.add(batch, suppressions.addAll(batch, "import of " + file, by));
				throw new IllegalArgumentException(file + " cannot be read after line " + parser.getCurrentLineNumber()
						+ ": " + rootMessage(ex) + "; the rows before it were imported (" + counts.added + " added, "
						+ counts.already + " already suppressed, " + counts.rejected + " rejected)", ex);
			}
			counts.add(batch, suppressions.addAll(batch, "import of " + file, by));
			return new Imported(counts.added, counts.already, counts.rejected, counts.rejections);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	private static Map<String, Integer> columns(CSVParser parser, String file) {
		Map<String, Integer> header = new java.util.HashMap<>();
		parser.getHeaderMap()
			.forEach((name, index) -> header.put(name.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT), index));
		if (!header.containsKey("email")) {
			throw new IllegalArgumentException(file + " line 1: no 'email' column; the header line names the columns,"
					+ " for example email,reason,detail");
		}
		return header;
	}

	private static Suppressions.Entry entry(CSVRecord row, int email, @Nullable Integer reason,
			@Nullable Integer detail, @Nullable String defaultDetail) {
		String address = value(row, email);
		if (address.isEmpty()) {
			throw new IllegalArgumentException("field email: empty");
		}
		try {
			Suppressions.checkAddress(address);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("field email: " + ex.getMessage());
		}
		String because = reason == null ? "" : value(row, reason);
		SuppressedBecause kind;
		try {
			kind = because.isEmpty() ? SuppressedBecause.ADMIN
					: SuppressedBecause.valueOf(because.toUpperCase(Locale.ROOT).replace(' ', '_'));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"field reason: '" + because + "' is none of ADMIN, HARD_BOUNCE, COMPLAINT");
		}
		String words = detail == null ? "" : value(row, detail);
		if (words.isEmpty()) {
			if (defaultDetail == null || defaultDetail.isBlank()) {
				throw new IllegalArgumentException("field detail: empty, and no reason was given for the import");
			}
			words = defaultDetail;
		}
		return new Suppressions.Entry(address, kind, words);
	}

	private static String value(CSVRecord row, int index) {
		return index < row.size() ? row.get(index).strip() : "";
	}

	/** The running counts of an import, with the first rejections' words. */
	private static final class Counts {

		long added;

		long already;

		long rejected;

		final List<String> rejections = new ArrayList<>();

		void add(List<Suppressions.Entry> batch, Set<String> addedNow) {
			added += addedNow.size();
			already += batch.size() - addedNow.size();
		}

		void reject(String why) {
			rejected++;
			if (rejections.size() < REJECTIONS_KEPT) {
				rejections.add(why);
			}
		}

	}

}
