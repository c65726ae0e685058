package org.invitations.spec;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.invitations.support.Checksums;

/**
 * Reads a YAML job spec and validates every key, so that a mistake is reported before
 * anything is written. {@link SpecYaml} reads the file and words its syntax errors,
 * {@link SpecValues} checks values that several keys share, {@link OperationsKeys} and
 * {@link Notify} the keys of scheduling, reminders and notifications.
 */
public final class SpecLoader {

	private static final int MAX_CHUNK_SIZE = 10_000;

	/** URL-safe characters only, so the parameter name needs no encoding. */
	private static final Pattern TOKEN_PARAMETER = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

	private final SpecYaml yaml = new SpecYaml();

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
			throw new SpecException(file, null,
					"is an expiry spec (job: expire), not an invitation spec; run it with: expire " + file);
		}
		RawSpec raw = yaml.parse(file, new String(content, StandardCharsets.UTF_8), RawSpec.class);
		return validate(file, HexFormat.of().formatHex(Checksums.sha256(content)), raw);
	}

	/**
	 * Whether the file is an expiry spec ({@code job: expire}) rather than an invitation
	 * spec.
	 */
	public boolean isExpirySpec(Path file) {
		try {
			var tree = yaml.tree(Files.readString(file));
			return tree != null && tree.has("job") && "expire".equals(tree.get("job").asString());
		}
		catch (IOException | JacksonException ex) {
			return false;
		}
	}

	/**
	 * An invitation spec handed to the expiry job: it says where people come from, which
	 * no expiry spec does.
	 */
	private boolean looksLikeInvitationSpec(String content) {
		try {
			var tree = yaml.tree(content);
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
			throw new SpecException(file, null,
					"is an invitation spec, not an expiry spec (job: expire); run it with: run " + file);
		}
		RawExpirySpec raw = yaml.parse(file, content, RawExpirySpec.class);
		String name = SpecValues.required(file, "name", raw.name());
		if (!SpecValues.NAME.matcher(name).matches()) {
			throw new SpecException(file, "key 'name'", "'" + name + "' must be letters, digits, '.', '_' or '-'");
		}
		int batchSize = raw.batchSize() == null ? 10_000 : raw.batchSize();
		if (batchSize < 1 || batchSize > 1_000_000) {
			throw new SpecException(file, "key 'batch-size'", "must be between 1 and 1000000");
		}
		return new ExpirySpec(file, name, batchSize,
				SpecValues.optionalDuration(file, "purge-token-hashes-after", raw.purgeTokenHashesAfter()),
				SpecValues.optionalDuration(file, "purge-report-rows-after", raw.purgeReportRowsAfter()),
				SpecValues.optionalDuration(file, "purge-history-after", raw.purgeHistoryAfter()),
				Notify.of(file, raw.notifyTo(), raw.notifyWebhook(), raw.notifyDryRun()),
				OperationsKeys.remind(file, raw.remind()), OperationsKeys.schedule(file, raw.schedule()));
	}

	private JobSpec validate(Path file, String checksum, RawSpec raw) {
		if (raw.job() != null && !raw.job().equals("invite")) {
			throw new SpecException(file, "key 'job'", "'" + raw.job() + "' must be invite (the default) or expire");
		}
		String name = SpecValues.required(file, "name", raw.name());
		if (!SpecValues.NAME.matcher(name).matches()) {
			throw new SpecException(file, "key 'name'",
					"'" + name + "' must be letters, digits, '.', '_' or '-' (at most 80)");
		}
		JobSpec.SourceSpec source = SpecValues.source(file, raw.source());
		RawFilters rawFilters = raw.filters() != null ? raw.filters() : new RawFilters(null, null);
		JobSpec.Filters filters = new JobSpec.Filters(!Boolean.FALSE.equals(rawFilters.activeEmail()),
				!Boolean.FALSE.equals(rawFilters.neverLoggedIn()));
		String role = SpecValues.required(file, "role", raw.role());
		if (!SpecValues.NAME.matcher(role).matches()) {
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
		if (!SpecValues.NAME.matcher(template).matches()) {
			throw new SpecException(file, "key 'template'", "'" + template + "' is not a template set name");
		}
		Path parent = file.toAbsolutePath().getParent();
		Path templates = (parent != null ? parent : Path.of(".").toAbsolutePath())
			.resolve(raw.templates() == null ? "templates" : raw.templates())
			.normalize();
		if (raw.templates() != null && !Files.isDirectory(templates)) {
			throw new SpecException(file, "key 'templates'", "no such folder " + templates);
		}
		Duration ttl = raw.tokenTtl() == null ? Duration.ofHours(24)
				: SpecValues.duration(file, "token-ttl", raw.tokenTtl());
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
		URI link = SpecValues.linkBaseUrl(file, SpecValues.required(file, "link-base-url", raw.linkBaseUrl()),
				tokenParameter, Boolean.TRUE.equals(raw.allowInsecureLink()));
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
				: SpecValues.duration(file, "resend.min-interval", rawResend.minInterval());
		RawThrottle rawThrottle = raw.throttle() != null ? raw.throttle() : new RawThrottle(null, null);
		double perSecond = rawThrottle.perSecond() == null ? 0 : rawThrottle.perSecond();
		long perDay = rawThrottle.perDay() == null ? 0 : rawThrottle.perDay();
		if (perSecond < 0 || perDay < 0) {
			throw new SpecException(file, "key 'throttle'", "limits must be positive (or 0 for none)");
		}
		return new JobSpec(file, checksum, name, source, filters, role, kind, template, templates, ttl, chunkSize, link,
				raw.from(), organisation, new JobSpec.Resend(maxAttempts, minInterval),
				new JobSpec.Throttle(perSecond, perDay), tokenParameter, raw.description(),
				Notify.of(file, raw.notifyTo(), raw.notifyWebhook(), raw.notifyDryRun()),
				OperationsKeys.operations(file, raw.maxRecipients(), raw.schedule()),
				SpecValues.dkim(file, raw.dkim()));
	}

	/**
	 * The spec as written; every key is optional here so that validation can name what is
	 * missing.
	 */
	record RawSpec(@Nullable String job, @Nullable String name, @Nullable RawSource source,
			@Nullable RawFilters filters, @Nullable String role, @Nullable String kind, @Nullable String template,
			@Nullable String tokenTtl, @Nullable Integer chunkSize, @Nullable String linkBaseUrl, @Nullable String from,
			@Nullable String templates, @Nullable String organisation, @Nullable String description,
			@Nullable RawResend resend, @Nullable RawThrottle throttle, @Nullable String linkTokenParameter,
			@Nullable Boolean allowInsecureLink, @Nullable Long maxRecipients,
			OperationsKeys.@Nullable RawSchedule schedule,
			// Notifications when a run ends.
			@com.fasterxml.jackson.annotation.JsonProperty("notify") java.util.@Nullable List<String> notifyTo,
			@Nullable String notifyWebhook, @Nullable Boolean notifyDryRun, @Nullable RawDkim dkim) {
	}

	record RawDkim(@Nullable String domain, @Nullable String selector) {
	}

	record RawThrottle(@Nullable Double perSecond, @Nullable Long perDay) {
	}

	record RawResend(@Nullable Integer maxAttempts, @Nullable String minInterval) {
	}

	record RawExpirySpec(@Nullable String name, @Nullable String job, @Nullable String description,
			@Nullable Integer batchSize, @Nullable String purgeTokenHashesAfter, @Nullable String purgeReportRowsAfter,
			@Nullable String purgeHistoryAfter, OperationsKeys.@Nullable RawRemind remind,
			OperationsKeys.@Nullable RawSchedule schedule,
			// Notifications when a run ends.
			@com.fasterxml.jackson.annotation.JsonProperty("notify") java.util.@Nullable List<String> notifyTo,
			@Nullable String notifyWebhook, @Nullable Boolean notifyDryRun) {
	}

	record RawSource(@Nullable String csv, @Nullable String group, @Nullable String members, @Nullable Long selection) {
	}

	record RawFilters(@Nullable Boolean activeEmail, @Nullable Boolean neverLoggedIn) {
	}

}
