package org.invitations.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

import org.invitations.spec.ExpirySpec;
import org.invitations.spec.JobSpec;
import org.invitations.spec.Schedule;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * The specs in the console's jobs folder, each loaded as {@code run} would load it:
 * valid, or with its error.
 */
@Component
@ConditionalOnWebApplication
class SpecCatalog {

	private final Path folder;

	SpecCatalog(ConsoleProperties properties) {
		this.folder = properties.jobs();
	}

	/**
	 * One spec file.
	 *
	 * @param file its name in the folder
	 * @param spec the invitation spec, when it is one and valid
	 * @param expiry whether it is an expiry spec (launched by the expire command or a
	 * scheduler)
	 * @param error why it cannot be used, when it cannot
	 * @param schedule when {@code serve}'s scheduler runs it, or {@code null}
	 * @param expirySpec the expiry spec, when it is one and valid
	 */
	record Entry(String file, JobSpec spec, boolean expiry, String error, Schedule schedule, ExpirySpec expirySpec) {

		/** Where its people come from, in a few words. */
		public String source() {
			return spec == null ? "" : spec.source().describe();
		}

	}

	/** The folder, as the scheduler's own folder is compared with it. */
	Path folder() {
		return folder;
	}

	List<Entry> entries() {
		if (!Files.isDirectory(folder)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(folder)) {
			return files.filter(f -> f.getFileName().toString().matches("[\\w.-]+\\.ya?ml"))
				.sorted()
				.map(f -> load(f.getFileName().toString(), f))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The spec file of that name in the folder, never a path outside it. */
	Optional<Entry> find(String file) {
		if (!file.matches("[\\w.-]+\\.ya?ml") || !Files.isRegularFile(folder.resolve(file))) {
			return Optional.empty();
		}
		return Optional.of(load(file, folder.resolve(file)));
	}

	private static Entry load(String name, Path file) {
		SpecLoader loader = new SpecLoader();
		try {
			if (loader.isExpirySpec(file)) {
				ExpirySpec expiry = loader.loadExpiry(file);
				return new Entry(name, null, true, null, expiry.schedule(), expiry);
			}
			JobSpec spec = loader.load(file);
			return new Entry(name, spec, false, null, spec.operations().schedule(), null);
		}
		catch (SpecException ex) {
			return new Entry(name, null, loader.isExpirySpec(file), ex.getMessage(), null, null);
		}
		catch (RuntimeException ex) {
			return new Entry(name, null, false, name + ": " + ex.getMessage(), null, null);
		}
	}

}
