package org.invitations.spec;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.dataformat.yaml.YAMLMapper;

import org.invitations.support.Checksums;

/**
 * Reads a YAML job spec and validates every key, so that a mistake is reported before anything is
 * written.
 */
public final class SpecLoader {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,79}");

	private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(s|m|h|d)");

	private static final int MAX_CHUNK_SIZE = 10_000;

	/** URL-safe characters only, so the parameter name needs no encoding. */
	private static final Pattern TOKEN_PARAMETER = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

	/** Hosts for which an http link does not leave the machine. */
	private static final java.util.Set<String> LOCAL_HOSTS = java.util.Set.of("localhost", "127.0.0.1", "[::1]");

	private final YAMLMapper mapper = YAMLMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	public JobSpec load(Path file) {
		byte[] content;
		try {
			content = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			throw new SpecException(file, null, "no such file");
		}
		catch (IOException ex) {
			throw new SpecException(file, null, "cannot be read: " + ex.getMessage());
		}
		if (isExpirySpec(file)) {
			throw new SpecException(file, null, "is an expiry spec (job: expire), not an invitation spec; run it with: expire "
					+ file);
		}
		RawSpec raw = parse(file, new String(content, java.nio.charset.StandardCharsets.UTF_8));
		return validate(file, HexFormat.of().formatHex(Checksums.sha256(content)), raw);
	}

	/** Whether the file is an expiry spec ({@code job: expire}) rather than an invitation spec. */
	public boolean isExpirySpec(Path file) {
		try {
			var tree = mapper.readTree(Files.readString(file));
			return tree != null && tree.has("job") && "expire".equals(tree.get("job").asString());
		}
		catch (IOException | JacksonException ex) {
			return false;
		}
	}

	/** An invitation spec handed to the expiry job: it says where people come from, which no expiry spec does. */
	private boolean looksLikeInvitationSpec(String content) {
		try {
			var tree = mapper.readTree(content);
			return tree != null && tree.isObject() && !tree.has("job")
					&& (tree.has("source") || tree.has("link-base-url") || tree.has("role"));
		}
		catch (JacksonException ex) {
			return false;
		}
	}

	public ExpirySpec loadExpiry(Path file) {
		String content;
		try {
			content = Files.readString(file);
		}
		catch (NoSuchFileException ex) {
			throw new SpecException(file, null, "no such file");
		}
		catch (IOException ex) {
			throw new SpecException(file, null, "cannot be read: " + ex.getMessage());
		}
		if (looksLikeInvitationSpec(content)) {
			throw new SpecException(file, null, "is an invitation spec, not an expiry spec (job: expire); run it with: run "
					+ file);
		}
		RawExpirySpec raw = parse(file, content, RawExpirySpec.class);
		String name = required(file, "name", raw.name());
		if (!NAME.matcher(name).matches()) {
			throw new SpecException(file, "key 'name'", "'" + name + "' must be letters, digits, '.', '_' or '-'");
		}
		int batchSize = raw.batchSize() == null ? 10_000 : raw.batchSize();
		if (batchSize < 1 || batchSize > 1_000_000) {
			throw new SpecException(file, "key 'batch-size'", "must be between 1 and 1000000");
		}
		Duration purge = raw.purgeTokenHashesAfter() == null ? null
				: duration(file, "purge-token-hashes-after", raw.purgeTokenHashesAfter());
		return new ExpirySpec(file, name, batchSize, purge,
				Notify.of(file, raw.notifyTo(), raw.notifyWebhook(), raw.notifyDryRun()),
				OperationsKeys.remind(file, raw.remind()), OperationsKeys.schedule(file, raw.schedule()));
	}

	private RawSpec parse(Path file, String content) {
		return parse(file, content, RawSpec.class);
	}

	private <T> T parse(Path file, String content, Class<T> type) {
		try {
			T raw = mapper.readValue(content, type);
			if (raw == null) {
				throw new SpecException(file, null, "is empty");
			}
			return raw;
		}
		catch (UnrecognizedPropertyException ex) {
			String path = keyPath(ex);
			throw new SpecException(file, "line " + lineOf(content, ex.getPropertyName(), ex.getLocation().getLineNr()),
					"unknown key '" + path + "'");
		}
		catch (JacksonException ex) {
			throw new SpecException(file, where(ex), inPlainWords(ex));
		}
	}

	/** Line and column of the mistake, and the key it belongs to when there is one. */
	private static String where(JacksonException ex) {
		MarkedYamlEngineException yaml = yamlCause(ex);
		Mark mark = yaml != null ? yaml.getProblemMark().orElse(null) : null;
		String at;
		if (mark != null) {
			at = "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
		}
		else if (ex.getLocation() != null && ex.getLocation().getLineNr() > 0) {
			at = "line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr();
		}
		else {
			at = null;
		}
		String path = keyPath(ex);
		return path.isEmpty() ? at : (at == null ? "" : at + ", ") + "key '" + path + "'";
	}

	/** What the YAML parser and the binder mean, said without their vocabulary (tokens, scalars, creators). */
	private static String inPlainWords(JacksonException ex) {
		MarkedYamlEngineException yaml = yamlCause(ex);
		if (yaml != null) {
			String problem = String.valueOf(yaml.getProblem());
			if (problem.contains("(TAB)")) {
				return "a tab here: YAML indents with spaces only";
			}
			if (problem.contains("mapping values are not allowed")) {
				return "a ':' here is not allowed: put a value that contains ': ' in quotes";
			}
			if (problem.contains("could not find expected ':'")) {
				return "a key needs a ':' after it";
			}
			if (problem.contains("end of stream") && String.valueOf(yaml.getContext()).contains("quoted")) {
				return "a quoted value is not closed";
			}
			if (problem.contains("expected <block end>")) {
				return "this line's indentation does not match the lines above it";
			}
			return firstLine(problem);
		}
		String message = firstLine(ex.getOriginalMessage());
		if (message.startsWith("Duplicate ")) {
			Matcher key = Pattern.compile("\"([^\"]+)\"").matcher(message);
			return (key.find() ? "key '" + key.group(1) + "'" : "a key") + " appears twice";
		}
		if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			Class<?> target = mismatch.getTargetType();
			String given = message.contains("from Array value") ? "a list"
					: message.contains("from Object value") ? "keys (a mapping)" : null;
			Matcher text = Pattern.compile("from String (value )?\\(?\"?'?([^\"')]*)").matcher(message);
			String value = given == null && text.find() ? "'" + text.group(2) + "'" : given;
			String not = value == null ? "" : ", not " + value;
			if (target == String.class) {
				return "a value here must be text" + not;
			}
			if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
				return "must be a whole number" + not;
			}
			if (target == Double.class || target == double.class) {
				return "must be a number" + not;
			}
			if (target == Boolean.class || target == boolean.class) {
				return "must be true or false" + not;
			}
			if (target.isRecord()) {
				return "must hold keys on the lines below it, indented" + not;
			}
		}
		return message;
	}

	private static MarkedYamlEngineException yamlCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof MarkedYamlEngineException marked) {
				return marked;
			}
		}
		return null;
	}

	/** The parser reports where it stopped, which can be past the key: find the key's own line. */
	private static int lineOf(String content, String key, int fallback) {
		Pattern keyLine = Pattern.compile("^\\s*(-\\s+)?" + Pattern.quote(key) + "\\s*:");
		String[] lines = content.split("\\R", -1);
		for (int i = 0; i < lines.length; i++) {
			if (keyLine.matcher(lines[i]).find()) {
				return i + 1;
			}
		}
		return fallback;
	}

	private static String keyPath(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference ref : ex.getPath()) {
			if (ref.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(ref.getPropertyName());
			}
		}
		return path.toString();
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "invalid";
		}
		int newline = message.indexOf('\n');
		return newline < 0 ? message : message.substring(0, newline);
	}

	private JobSpec validate(Path file, String checksum, RawSpec raw) {
		if (raw.job() != null && !raw.job().equals("invite")) {
			throw new SpecException(file, "key 'job'", "'" + raw.job() + "' must be invite (the default) or expire");
		}
		String name = required(file, "name", raw.name());
		if (!NAME.matcher(name).matches()) {
			throw new SpecException(file, "key 'name'",
					"'" + name + "' must be letters, digits, '.', '_' or '-' (at most 80)");
		}
		JobSpec.SourceSpec source = source(file, raw.source());
		RawFilters rawFilters = raw.filters() != null ? raw.filters() : new RawFilters(null, null);
		JobSpec.Filters filters = new JobSpec.Filters(!Boolean.FALSE.equals(rawFilters.activeEmail()),
				!Boolean.FALSE.equals(rawFilters.neverLoggedIn()));
		String role = required(file, "role", raw.role());
		if (!NAME.matcher(role).matches()) {
			throw new SpecException(file, "key 'role'", "'" + role + "' must be letters, digits, '.', '_' or '-'");
		}
		Kind kind;
		try {
			kind = raw.kind() == null ? Kind.INVITATION : Kind.fromKey(raw.kind());
		}
		catch (IllegalArgumentException ex) {
			throw new SpecException(file, "key 'kind'", "'" + raw.kind() + "' " + ex.getMessage());
		}
		String template = raw.template() == null ? "default" : raw.template();
		if (!NAME.matcher(template).matches()) {
			throw new SpecException(file, "key 'template'", "'" + template + "' is not a template set name");
		}
		Duration ttl = raw.tokenTtl() == null ? Duration.ofHours(24) : duration(file, "token-ttl", raw.tokenTtl());
		if (ttl.compareTo(Duration.ofMinutes(5)) < 0 || ttl.compareTo(Duration.ofDays(90)) > 0) {
			throw new SpecException(file, "key 'token-ttl'", "must be between 5m and 90d, was " + raw.tokenTtl());
		}
		int chunkSize = raw.chunkSize() == null ? 100 : raw.chunkSize();
		if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
			throw new SpecException(file, "key 'chunk-size'", "must be between 1 and " + MAX_CHUNK_SIZE);
		}
		String tokenParameter = raw.linkTokenParameter() == null ? "token" : raw.linkTokenParameter().strip();
		if (!TOKEN_PARAMETER.matcher(tokenParameter).matches()) {
			throw new SpecException(file, "key 'link-token-parameter'",
					"'" + tokenParameter + "' must be letters, digits, '.', '_', '~' or '-'");
		}
		URI link = linkBaseUrl(file, required(file, "link-base-url", raw.linkBaseUrl()), tokenParameter,
				Boolean.TRUE.equals(raw.allowInsecureLink()));
		String organisation = raw.organisation() == null ? name : raw.organisation();
		if (organisation.chars().anyMatch(Character::isISOControl)) {
			throw new SpecException(file, "key 'organisation'", "must not contain control characters");
		}
		if (raw.from() != null && raw.from().chars().anyMatch(Character::isISOControl)) {
			throw new SpecException(file, "key 'from'", "must not contain control characters");
		}
		RawResend rawResend = raw.resend() != null ? raw.resend() : new RawResend(null, null);
		int maxAttempts = rawResend.maxAttempts() == null ? 5 : rawResend.maxAttempts();
		if (maxAttempts < 1 || maxAttempts > 100) {
			throw new SpecException(file, "key 'resend.max-attempts'", "must be between 1 and 100");
		}
		Duration minInterval = rawResend.minInterval() == null ? Duration.ofHours(1)
				: duration(file, "resend.min-interval", rawResend.minInterval());
		RawThrottle rawThrottle = raw.throttle() != null ? raw.throttle() : new RawThrottle(null, null);
		double perSecond = rawThrottle.perSecond() == null ? 0 : rawThrottle.perSecond();
		long perDay = rawThrottle.perDay() == null ? 0 : rawThrottle.perDay();
		if (perSecond < 0 || perDay < 0) {
			throw new SpecException(file, "key 'throttle'", "limits must be positive (or 0 for none)");
		}
		return new JobSpec(file, checksum, name, source, filters, role, kind, template, ttl, chunkSize, link,
				raw.from(), organisation, new JobSpec.Resend(maxAttempts, minInterval),
				new JobSpec.Throttle(perSecond, perDay), tokenParameter, raw.description(),
				Notify.of(file, raw.notifyTo(), raw.notifyWebhook(), raw.notifyDryRun()),
				OperationsKeys.operations(file, raw.maxRecipients(), raw.schedule()));
	}

	private JobSpec.SourceSpec source(Path file, RawSource raw) {
		if (raw == null) {
			throw new SpecException(file, "key 'source'", "is required (csv: FILE, or group: NAME)");
		}
		if ((raw.csv() == null) == (raw.group() == null)) {
			throw new SpecException(file, "key 'source'", "needs exactly one of 'csv' or 'group'");
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
		if (raw.csv() != null) {
			if (raw.members() != null) {
				throw new SpecException(file, "key 'source.members'", "applies only to a group source");
			}
			Path parent = file.toAbsolutePath().getParent();
			Path csv = parent.resolve(raw.csv()).normalize();
			if (!Files.isRegularFile(csv)) {
				throw new SpecException(file, "key 'source.csv'", "no such file " + csv);
			}
			if (!Files.isReadable(csv)) {
				throw new SpecException(file, "key 'source.csv'", "cannot read " + csv);
			}
			return new JobSpec.SourceSpec(csv, null, members);
		}
		if (raw.group().isBlank()) {
			throw new SpecException(file, "key 'source.group'", "must name a group");
		}
		return new JobSpec.SourceSpec(null, raw.group().strip(), members);
	}

	private static String required(Path file, String key, String value) {
		if (value == null || value.isBlank()) {
			throw new SpecException(file, "key '" + key + "'", "is required");
		}
		return value.strip();
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
	 * The page every link opens: an absolute https URL (http only on this machine, or when the spec allows it), no
	 * fragment, and no parameter of the token's name already, since the token is appended to it.
	 */
	private static URI linkBaseUrl(Path file, String text, String tokenParameter, boolean allowInsecure) {
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
		String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
		boolean local = LOCAL_HOSTS.contains(uri.getHost().toLowerCase(java.util.Locale.ROOT));
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
					throw new SpecException(file, "key 'link-base-url'", "'" + text + "' already has a '" + tokenParameter
							+ "' parameter: leave it out, the link gets ?" + tokenParameter + "=… appended");
				}
			}
		}
		return uri;
	}

	/** The spec as written; every key is optional here so that validation can name what is missing. */
	record RawSpec(String job, String name, RawSource source, RawFilters filters, String role, String kind, String template,
			String tokenTtl, Integer chunkSize, String linkBaseUrl, String from, String organisation,
			String description, RawResend resend, RawThrottle throttle, String linkTokenParameter,
			Boolean allowInsecureLink, Long maxRecipients, OperationsKeys.RawSchedule schedule,
			// Notifications when a run ends.
			@com.fasterxml.jackson.annotation.JsonProperty("notify") java.util.List<String> notifyTo, String notifyWebhook, Boolean notifyDryRun) {
	}

	record RawThrottle(Double perSecond, Long perDay) {
	}

	record RawResend(Integer maxAttempts, String minInterval) {
	}

	record RawExpirySpec(String name, String job, String description, Integer batchSize,
			String purgeTokenHashesAfter, OperationsKeys.RawRemind remind, OperationsKeys.RawSchedule schedule,
			// Notifications when a run ends.
			@com.fasterxml.jackson.annotation.JsonProperty("notify") java.util.List<String> notifyTo, String notifyWebhook, Boolean notifyDryRun) {
	}

	record RawSource(String csv, String group, String members) {
	}

	record RawFilters(Boolean activeEmail, Boolean neverLoggedIn) {
	}


}
