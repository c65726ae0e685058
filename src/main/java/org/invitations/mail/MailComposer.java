package org.invitations.mail;

import java.io.UnsupportedEncodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.FileTemplateResolver;
import org.unbescape.html.HtmlEscape;

import org.invitations.spec.JobSpec;
import org.invitations.spec.Kind;

/**
 * Renders one run's emails from its template set: an HTML part whose {@code <title>} is
 * the subject, and a plain-text alternative, per kind with an optional per-role override.
 * Templates are looked up beside the spec ({@code templates/SET/}) first, then among the
 * built-in sets, and parsed once per run.
 */
public class MailComposer {

	/**
	 * Names the invitation a message belongs to, so a bounce or an outbox file can be
	 * traced back.
	 */
	public static final String INVITATION_HEADER = "X-Invitation-Id";

	private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>",
			Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

	private static final Logger log = LoggerFactory.getLogger(MailComposer.class);

	/** What templates can print. */
	static final List<String> VARIABLES = List.of("firstName", "lastName", "fullName", "email", "link", "expiresAt",
			"validFor", "organisation", "role");

	private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'",
			Locale.ENGLISH);

	private final JobSpec spec;

	private final InternetAddress from;

	private final String senderDomain;

	private final SpringTemplateEngine engine = new SpringTemplateEngine();

	private final Path specTemplates;

	private final Map<String, String> resolved = new java.util.concurrent.ConcurrentHashMap<>();

	private volatile Expiry lastExpiry;

	private volatile @Nullable ValidFor lastValidFor;

	private final Map<String, Renderer> renderers = new java.util.concurrent.ConcurrentHashMap<>();

	private volatile @Nullable Subject lastSubject;

	private final @Nullable DkimSigner signer;

	/** A composer whose messages are not signed (for checks of the templates). */
	public MailComposer(JobSpec spec, String defaultFrom) {
		this(spec, defaultFrom, null);
	}

	/**
	 * @param signer signs every message by DKIM, or {@code null}
	 */
	public MailComposer(JobSpec spec, String defaultFrom, @Nullable DkimSigner signer) {
		this.spec = spec;
		this.signer = signer;
		this.specTemplates = spec.templates().resolve(spec.template());
		try {
			this.from = new InternetAddress(spec.from() != null ? spec.from() : defaultFrom, true);
		}
		catch (MessagingException ex) {
			throw new IllegalArgumentException("sender address is not valid: " + ex.getMessage(), ex);
		}
		this.senderDomain = from.getAddress().substring(from.getAddress().lastIndexOf('@') + 1);
		FileTemplateResolver files = new FileTemplateResolver();
		files.setPrefix(specTemplates + "/");
		configure(files, 1);
		ClassLoaderTemplateResolver builtIn = new ClassLoaderTemplateResolver();
		builtIn.setPrefix("mail/" + spec.template() + "/");
		configure(builtIn, 2);
		// SpEL compiled to bytecode: expressions are evaluated once per message for the
		// whole run.
		engine.setEnableSpringELCompiler(true);
		engine.addTemplateResolver(files);
		engine.addTemplateResolver(builtIn);
	}

	private static void configure(org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver resolver,
			int order) {
		resolver.setOrder(order);
		resolver.setCheckExistence(true);
		resolver.setCharacterEncoding("UTF-8");
		resolver.getHtmlTemplateModePatternSpec().addPattern("*.html");
		resolver.getTextTemplateModePatternSpec().addPattern("*.txt");
		resolver.setCacheable(true);
	}

	/**
	 * Fails early, before any token is issued, when a template the run needs does not
	 * exist.
	 */
	public void checkTemplates(Kind kind) {
		for (String suffix : new String[] { ".html", ".txt" }) {
			if (!exists(kind.key() + suffix)) {
				throw new IllegalStateException("template set '" + spec.template() + "' has no " + kind.key() + suffix
						+ " (looked in " + specTemplates + " and the built-in sets)");
			}
		}
	}

	/** Builds the message for one invitation; the token exists only inside it. */
	public PreparedMessage compose(PendingInvitation invitation, String token, Instant expiresAt) {
		// In the order of VARIABLES.
		String[] values = { invitation.firstName(), invitation.lastName(), fullName(invitation), invitation.email(),
				link(token), expiry(expiresAt), validFor(invitation.tokenTtl()), spec.organisation(),
				invitation.role() };
		Renderer html = renderer(template(invitation.kind(), invitation.role(), ".html"));
		Renderer text = renderer(template(invitation.kind(), invitation.role(), ".txt"));
		try {
			InternetAddress to = new InternetAddress(invitation.email(), headerSafe(values[2]), "UTF-8");
			PreparedMessage message;
			if (html.compiled() != null && html.title() != null && text.compiled() != null) {
				// Each part writes itself into the message; the subject is the title
				// alone.
				CompiledTemplate htmlParts = html.compiled();
				CompiledTemplate textParts = text.compiled();
				message = new PreparedMessage(invitation.id(), from, to, subjectOf(html.title().render(values)),
						out -> textParts.encode(out, values), out -> htmlParts.encode(out, values), senderDomain);
			}
			else {
				String htmlText = html.render(values);
				message = new PreparedMessage(invitation.id(), from, to, subject(htmlText), text.render(values),
						htmlText, senderDomain);
			}
			return signer == null ? message : message.signedBy(signer);
		}
		catch (UnsupportedEncodingException ex) {
			throw new IllegalStateException("message for invitation " + invitation.id() + " cannot be built", ex);
		}
	}

	/**
	 * The compiled form of a template when it only prints variables, else Thymeleaf
	 * itself; chosen once per run.
	 */
	private Renderer renderer(String name) {
		return renderers.computeIfAbsent(name, key -> {
			Function<Map<String, String>, String> thymeleaf = values -> {
				Context context = new Context(Locale.ENGLISH);
				values.forEach(context::setVariable);
				return engine.process(key, context);
			};
			CompiledTemplate compiled = CompiledTemplate.compile(source(key), VARIABLES, key.endsWith(".html"),
					thymeleaf);
			if (compiled == null) {
				log.info("Template {} has logic: rendered by Thymeleaf for each message", key);
			}
			return new Renderer(compiled, compiled == null ? null : compiled.part(TITLE), thymeleaf);
		});
	}

	/**
	 * A template as a run renders it: compiled (with its title on its own, when the
	 * title's tags are fixed), or by Thymeleaf.
	 */
	private record Renderer(@Nullable CompiledTemplate compiled, @Nullable CompiledTemplate title,
			Function<Map<String, String>, String> thymeleaf) {

		String render(String[] values) {
			return compiled != null ? compiled.render(values)
					: thymeleaf.apply(CompiledTemplate.asMap(VARIABLES, values));
		}

	}

	/**
	 * The subject from the title's text; a run's titles mostly repeat, so the last one is
	 * kept.
	 */
	private String subjectOf(String title) {
		Subject last = lastSubject;
		if (last == null || !last.title().equals(title)) {
			last = new Subject(title, titleAsSubject(title));
			lastSubject = last;
		}
		return last.subject();
	}

	private record Subject(String title, String subject) {
	}

	private String source(String name) {
		try {
			Path file = specTemplates.resolve(name);
			if (Files.isRegularFile(file)) {
				return Files.readString(file);
			}
			try (var in = getClass().getClassLoader().getResourceAsStream("mail/" + spec.template() + "/" + name)) {
				return in == null ? null : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			}
		}
		catch (java.io.IOException ex) {
			return null;
		}
	}

	private String template(Kind kind, String role, String suffix) {
		return resolved.computeIfAbsent(kind.key() + "|" + role + suffix, key -> {
			String perRole = kind.key() + "-" + role + suffix;
			return role != null && exists(perRole) ? perRole : kind.key() + suffix;
		});
	}

	private boolean exists(String name) {
		return Files.isRegularFile(specTemplates.resolve(name))
				|| getClass().getClassLoader().getResource("mail/" + spec.template() + "/" + name) != null;
	}

	String link(String token) {
		String base = spec.linkBaseUrl().toString();
		String query = spec.linkBaseUrl().getRawQuery();
		String separator = query == null || query.isEmpty() ? (base.endsWith("?") ? "" : "?")
				: (base.endsWith("&") ? "" : "&");
		return base + separator + spec.linkTokenParameter() + "=" + token;
	}

	private static String fullName(PendingInvitation invitation) {
		return (invitation.firstName() + " " + invitation.lastName()).strip();
	}

	/**
	 * The expiry as the email states it; a chunk's messages share one, so the last one is
	 * kept.
	 */
	private String expiry(Instant expiresAt) {
		Expiry last = lastExpiry;
		if (last == null || !last.at().equals(expiresAt)) {
			last = new Expiry(expiresAt, EXPIRY.format(expiresAt.atOffset(ZoneOffset.UTC)));
			lastExpiry = last;
		}
		return last.text();
	}

	private record Expiry(Instant at, String text) {
	}

	/** How long the link is valid, in words; a run's links mostly share it. */
	private String validFor(Duration ttl) {
		ValidFor last = lastValidFor;
		if (last == null || !last.ttl().equals(ttl)) {
			last = new ValidFor(ttl, describe(ttl));
			lastValidFor = last;
		}
		return last.text();
	}

	private record ValidFor(Duration ttl, String text) {
	}

	/**
	 * The display name as headers may show it, whatever is stored: no control or format
	 * characters, at most {@value MailHeaders#MAX_DISPLAY_NAME} characters, {@code null}
	 * (the address alone) when nothing is left.
	 */
	static String headerSafe(String value) {
		return MailHeaders.displayName(value);
	}

	static String subject(String html) {
		Matcher matcher = TITLE.matcher(html);
		if (!matcher.find()) {
			throw new IllegalStateException("the HTML template needs a <title>: it is the subject");
		}
		return titleAsSubject(matcher.group(1));
	}

	private static String titleAsSubject(String title) {
		return MailHeaders.clean(HtmlEscape.unescapeHtml(title));
	}

	static String describe(Duration ttl) {
		if (ttl.toDays() > 2 && ttl.toHours() % 24 == 0) {
			return plural(ttl.toDays(), "day");
		}
		if (ttl.toHours() > 0 && ttl.toMinutes() % 60 == 0) {
			return plural(ttl.toHours(), "hour");
		}
		return plural(Math.max(1, ttl.toMinutes()), "minute");
	}

	private static String plural(long n, String unit) {
		return n + " " + unit + (n == 1 ? "" : "s");
	}

}
