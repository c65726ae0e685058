package org.invitations.smtp;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * How the built-in client reaches the server, read from the settings Spring Boot users
 * already write for Angus Mail: {@code spring.mail.host}, {@code .port},
 * {@code .username}, {@code .password}, {@code spring.mail.ssl.enabled} (implicit TLS)
 * and {@code spring.mail.ssl.bundle} (the trust store), and under
 * {@code spring.mail.properties}: {@code mail.smtp.starttls.enable} and
 * {@code .required}, {@code mail.smtp.auth.mechanisms}, {@code mail.smtp.ssl.protocols}
 * and {@code .ciphersuites}, {@code mail.smtp.from} and the three timeouts. Certificates
 * and the server's host name are always checked: a certificate the JDK does not trust is
 * trusted by naming it in an SSL bundle, never by switching the check off.
 */
record SmtpSettings(String host, int port, Security security, @Nullable SSLSocketFactory tls, boolean checkHostName,
		String @Nullable [] tlsProtocols, String @Nullable [] cipherSuites, @Nullable Login login,
		@Nullable String envelopeFrom, Duration connectTimeout, Duration readTimeout, Duration writeTimeout,
		@Nullable String localAddress) {

	/** Whether and how the session is encrypted. */
	enum Security {

		/** No encryption. */
		NONE("plain SMTP"),
		/** STARTTLS when the server offers it, plain otherwise. */
		STARTTLS_OPPORTUNISTIC("STARTTLS when offered"),
		/** STARTTLS, or no session at all. */
		STARTTLS_REQUIRED("STARTTLS"),
		/** TLS from the first byte (SMTPS, usually port 465). */
		IMPLICIT_TLS("implicit TLS");

		private final String words;

		Security(String words) {
			this.words = words;
		}

	}

	/**
	 * A login (RFC 4954) with the mechanisms allowed, in order of preference; for XOAUTH2
	 * the password is the access token.
	 */
	record Login(String username, String password, List<String> mechanisms) {

		@Override
		public String toString() {
			return "Login[" + username + ", " + mechanisms + "]";
		}

	}

	/** The mechanisms tried when {@code mail.smtp.auth.mechanisms} does not say. */
	static final List<String> DEFAULT_MECHANISMS = List.of("PLAIN", "LOGIN");

	private static final List<String> KNOWN_MECHANISMS = List.of("PLAIN", "LOGIN", "XOAUTH2");

	/**
	 * Settings only Angus Mail understands: where one of them is set, it sends (see
	 * {@link #angusOnly}).
	 */
	private static final List<String> ANGUS_ONLY = List.of("proxy.host", "socks.host", "ssl.trust",
			"socketFactory.class", "ssl.socketFactory.class");

	static SmtpSettings of(JavaMailSenderImpl sender) {
		String protocol = protocol(sender);
		Properties properties = sender.getJavaMailProperties();
		String prefix = "mail." + protocol + ".";
		boolean implicit = protocol.equals("smtps") || flag(properties, prefix + "ssl.enable");
		Security security = implicit ? Security.IMPLICIT_TLS : flag(properties, prefix + "starttls.required")
				? Security.STARTTLS_REQUIRED
				: flag(properties, prefix + "starttls.enable") ? Security.STARTTLS_OPPORTUNISTIC : Security.NONE;
		SSLSocketFactory tls = security == Security.NONE ? null
				: socketFactory(properties.get(prefix + "ssl.socketFactory"));
		int port = sender.getPort() > 0 ? sender.getPort() : implicit ? 465 : 25;
		String username = sender.getUsername();
		Login login = username == null || username.isEmpty() ? null
				: new Login(username, sender.getPassword() == null ? "" : sender.getPassword(),
						mechanisms(properties.getProperty(prefix + "auth.mechanisms")));
		return new SmtpSettings(sender.getHost(), port, security, tls,
				!"false".equalsIgnoreCase(strip(properties.getProperty(prefix + "ssl.checkserveridentity"))),
				list(properties.getProperty(prefix + "ssl.protocols")),
				list(properties.getProperty(prefix + "ssl.ciphersuites")), login,
				properties.getProperty(prefix + "from"), millis(properties, prefix + "connectiontimeout", 10_000),
				millis(properties, prefix + "timeout", 30_000), millis(properties, prefix + "writetimeout", 30_000),
				strip(properties.getProperty(prefix + "localaddress")));
	}

	/**
	 * Why Angus Mail must send instead of the built-in client, or {@code null} when it
	 * need not: it was asked for ({@code invitations.mail.direct-smtp=false}), or a
	 * setting only it understands is set (a proxy, {@code mail.smtp.ssl.trust}, a socket
	 * factory class, SASL, a login mechanism other than PLAIN, LOGIN and XOAUTH2).
	 */
	static @Nullable String angusOnly(JavaMailSenderImpl sender) {
		Properties properties = sender.getJavaMailProperties();
		if ("false".equalsIgnoreCase(strip(properties.getProperty("invitations.direct-smtp")))) {
			return "invitations.mail.direct-smtp=false";
		}
		String protocol = protocol(sender);
		if (!protocol.equals("smtp") && !protocol.equals("smtps")) {
			return "spring.mail.protocol=" + protocol;
		}
		String prefix = "mail." + protocol + ".";
		for (String key : ANGUS_ONLY) {
			if (properties.get(prefix + key) != null) {
				return prefix + key;
			}
		}
		if (flag(properties, prefix + "sasl.enable")) {
			return prefix + "sasl.enable";
		}
		String mechanisms = properties.getProperty(prefix + "auth.mechanisms");
		if (mechanisms != null) {
			for (String mechanism : mechanisms.toUpperCase(Locale.ROOT).split("[\\s,]+")) {
				if (!mechanism.isEmpty() && !KNOWN_MECHANISMS.contains(mechanism)) {
					return prefix + "auth.mechanisms=" + mechanisms.strip();
				}
			}
		}
		return null;
	}

	/** Says where mail goes and how, for the operator. */
	String describe() {
		return "SMTP server " + server() + " (built-in client, " + security.words
				+ (login != null ? ", login as " + login.username() : "") + ", pipelining when offered)";
	}

	/** host:port, for messages. */
	String server() {
		return host + ":" + port;
	}

	private static String protocol(JavaMailSenderImpl sender) {
		return sender.getProtocol() == null ? "smtp" : sender.getProtocol().strip().toLowerCase(Locale.ROOT);
	}

	/**
	 * The socket factory of {@code spring.mail.ssl.bundle} (Spring Boot puts it under
	 * {@code mail.smtp.ssl.socketFactory}), else the JDK's trust store.
	 */
	private static SSLSocketFactory socketFactory(@Nullable Object configured) {
		if (configured instanceof SSLSocketFactory factory) {
			return factory;
		}
		try {
			return SSLContext.getDefault().getSocketFactory();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("this JDK offers no TLS", ex);
		}
	}

	private static List<String> mechanisms(@Nullable String configured) {
		if (configured == null || configured.isBlank()) {
			return DEFAULT_MECHANISMS;
		}
		return Arrays.stream(configured.toUpperCase(Locale.ROOT).split("[\\s,]+"))
			.filter(mechanism -> !mechanism.isEmpty())
			.toList();
	}

	private static String @Nullable [] list(@Nullable String value) {
		return value == null || value.isBlank() ? null : value.strip().split("[\\s,]+");
	}

	private static boolean flag(Properties properties, String key) {
		Object value = properties.get(key);
		return value != null && Boolean.parseBoolean(value.toString().strip());
	}

	private static @Nullable String strip(@Nullable String value) {
		return value == null ? null : value.strip();
	}

	private static Duration millis(Properties properties, String key, long fallback) {
		String value = properties.getProperty(key);
		return Duration.ofMillis(value == null ? fallback : Long.parseLong(value.strip()));
	}

}
