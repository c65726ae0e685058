package org.invitations.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * Who hears about a run when it ends ({@code notify:}, {@code notify-webhook:},
 * {@code notify-dry-run:}).
 *
 * @param to addresses that get the completion email, on top of
 * {@code invitations.notify.to}
 * @param webhook a URL that receives the run's JSON summary, or {@code null}
 * @param dryRuns whether dry runs notify too; by default they do not
 */
public record Notify(List<String> to, @Nullable URI webhook, boolean dryRuns) {

	/** Nobody beyond the configured default. */
	public static final Notify NONE = new Notify(List.of(), null, false);

	private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

	/** The keys as written, each checked and named on a mistake. */
	static Notify of(Path file, @Nullable List<String> to, @Nullable String webhook, @Nullable Boolean dryRuns) {
		List<String> addresses = to == null ? List.of() : to.stream().map(a -> address(file, a)).toList();
		return new Notify(addresses, webhook == null ? null : webhook(file, webhook), Boolean.TRUE.equals(dryRuns));
	}

	private static String address(Path file, String text) {
		if (text == null || text.isBlank() || text.chars().anyMatch(Character::isISOControl)) {
			throw new SpecException(file, "key 'notify'", "'" + text + "' is not an email address");
		}
		try {
			InternetAddress address = new InternetAddress(text.strip(), true);
			if (address.getAddress().indexOf('@') < 1) {
				throw new AddressException("no domain");
			}
			return address.toString();
		}
		catch (AddressException ex) {
			throw new SpecException(file, "key 'notify'", "'" + text + "' is not an email address");
		}
	}

	/** https, or http to this machine only: the summary names people and the run. */
	private static URI webhook(Path file, String text) {
		URI uri;
		try {
			uri = new URI(text.strip());
		}
		catch (URISyntaxException ex) {
			throw new SpecException(file, "key 'notify-webhook'", "'" + text + "' is not a URL: " + ex.getReason());
		}
		String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
		if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
			throw new SpecException(file, "key 'notify-webhook'",
					"'" + text + "' is not an absolute https URL such as https://hooks.example.org/invitations");
		}
		if (scheme.equals("http") && !LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
			throw new SpecException(file, "key 'notify-webhook'",
					"'" + text + "' is http: the summary would travel unencrypted; use https");
		}
		return uri;
	}

}
