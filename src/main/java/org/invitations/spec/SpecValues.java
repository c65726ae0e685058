package org.invitations.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.invitations.support.DnsNames;

/**
 * Checks of single values that more than one key shares: names, durations, the link base
 * URL, the source.
 */
final class SpecValues {

	static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");

	private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

	/** Hosts for which an http link does not leave the machine. */
	private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

	private SpecValues() {
	}

	static String required(Path file, String key, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new SpecException(file, "key '" + key + "'", "is required");
		}
		return value.strip();
	}

	/** {@link #duration} of an optional key: {@code null} when the key is absent. */
	static @Nullable Duration optionalDuration(Path file, String key, @Nullable String text) {
		return text == null ? null : duration(file, key, text);
	}

	/** Accepts 90s, 30m, 24h, 7d or ISO-8601 such as PT24H. */
	static Duration duration(Path file, String key, String text) {
		if (text.strip().equals("0")) {
			return Duration.ZERO;
		}
		Matcher matcher = DURATION.matcher(text.strip());
		if (matcher.matches()) {
			long amount = Long.parseLong(matcher.group(1));
			return switch (matcher.group(2)) {
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofDays(amount);
			};
		}
		try {
			return Duration.parse(text.strip());
		}
		catch (RuntimeException ex) {
			throw new SpecException(file, "key '" + key + "'",
					"'" + text + "' is not a duration (use e.g. 30m, 24h, 7d or PT24H)");
		}
	}

	/**
	 * The page every link opens: an absolute https URL (http only on this machine, or
	 * when the spec allows it), no fragment, and no parameter of the token's name
	 * already, since the token is appended to it.
	 */
	static URI linkBaseUrl(Path file, String text, String tokenParameter, boolean allowInsecure) {
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new SpecException(file, "key 'link-base-url'", "'" + text + "' is not a URL: " + ex.getReason());
		}
		if (!uri.isAbsolute() || uri.isOpaque() || uri.getHost() == null) {
			throw new SpecException(file, "key 'link-base-url'",
					"'" + text + "' is not an absolute URL such as https://crm.example.org/set-password");
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		boolean local = LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
		if (scheme.equals("http") && !local && !allowInsecure) {
			throw new SpecException(file, "key 'link-base-url'", "'" + text + "' is http: the links, tokens included,"
					+ " would travel unencrypted; use https (or set allow-insecure-link: true)");
		}
		if (!scheme.equals("https") && !scheme.equals("http")) {
			throw new SpecException(file, "key 'link-base-url'", "'" + text + "' must be an https URL");
		}
		if (uri.getRawFragment() != null) {
			throw new SpecException(file, "key 'link-base-url'",
					"'" + text + "' has a #fragment: the token would be appended to it and never reach the page");
		}
		String query = uri.getRawQuery();
		if (query != null) {
			for (String parameter : query.split("&")) {
				String name = parameter.contains("=") ? parameter.substring(0, parameter.indexOf('=')) : parameter;
				if (name.equals(tokenParameter)) {
					throw new SpecException(file, "key 'link-base-url'",
							"'" + text + "' already has a '" + tokenParameter
									+ "' parameter: leave it out, the link gets ?" + tokenParameter + "=… appended");
				}
			}
		}
		return uri;
	}

	static JobSpec.SourceSpec source(Path file, SpecLoader.@Nullable RawSource raw) {
		if (raw == null) {
			throw new SpecException(file, "key 'source'", "is required (csv: FILE, or group: NAME)");
		}
		int given = (raw.csv() == null ? 0 : 1) + (raw.group() == null ? 0 : 1) + (raw.selection() == null ? 0 : 1);
		if (given != 1) {
			throw new SpecException(file, "key 'source'",
					"needs exactly one of 'csv' or 'group'" + (raw.selection() == null ? "" : " or 'selection'"));
		}
		JobSpec.Members members;
		if (raw.members() == null || raw.members().equals("all")) {
			members = JobSpec.Members.ALL;
		}
		else if (raw.members().equals("admins")) {
			members = JobSpec.Members.ADMINS;
		}
		else {
			throw new SpecException(file, "key 'source.members'", "'" + raw.members() + "' must be all or admins");
		}
		if (raw.members() != null && raw.group() == null) {
			throw new SpecException(file, "key 'source.members'", "applies only to a group source");
		}
		if (raw.selection() != null) {
			if (raw.selection() < 1) {
				throw new SpecException(file, "key 'source.selection'", "must be a selection's number");
			}
			return new JobSpec.SourceSpec(null, null, members, raw.selection());
		}
		if (raw.csv() != null) {
			Path parent = file.toAbsolutePath().getParent();
			Path csv = parent.resolve(raw.csv()).normalize();
			if (!Files.isRegularFile(csv)) {
				throw new SpecException(file, "key 'source.csv'", "no such file " + csv);
			}
			if (!Files.isReadable(csv)) {
				throw new SpecException(file, "key 'source.csv'", "cannot read " + csv);
			}
			return new JobSpec.SourceSpec(csv, null, members, null);
		}
		if (raw.group().isBlank()) {
			throw new SpecException(file, "key 'source.group'", "must name a group");
		}
		return new JobSpec.SourceSpec(null, raw.group().strip(), members, null);
	}

	/**
	 * {@code dkim:}: another domain or selector for the configured key; DNS names both.
	 */
	static JobSpec.Dkim dkim(Path file, SpecLoader.@Nullable RawDkim raw) {
		if (raw == null) {
			return JobSpec.Dkim.CONFIGURED;
		}
		if (raw.domain() == null && raw.selector() == null) {
			throw new SpecException(file, "key 'dkim'", "names neither a domain nor a selector; leave it out to sign"
					+ " as invitations.mail.dkim.domain and .selector say");
		}
		return new JobSpec.Dkim(dnsName(file, "dkim.domain", raw.domain()),
				dnsName(file, "dkim.selector", raw.selector()));
	}

	private static @Nullable String dnsName(Path file, String key, @Nullable String value) {
		if (value == null) {
			return null;
		}
		String name = value.strip();
		if (!DnsNames.isValid(name)) {
			throw new SpecException(file, "key '" + key + "'", "'" + value
					+ "' is not a DNS name (letters, digits, '-' and '.'; an international domain in its xn-- form)");
		}
		return name;
	}

}
