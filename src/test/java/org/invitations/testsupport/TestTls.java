package org.invitations.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The test certificates under {@code src/test/resources/tls} (self-signed, valid for a
 * century, made with keytool; their keys protect nothing): {@code localhost} names
 * {@code localhost} and {@code 127.0.0.1}, {@code elsewhere} names only
 * {@code mail.example.org}. Each has a PKCS#12 key store (password {@code changeit}) for
 * a server and a PEM certificate to trust.
 */
public final class TestTls {

	public static final String PASSWORD = "changeit";

	private TestTls() {
	}

	/** A server's TLS context presenting the certificate {@code name}. */
	public static SSLContext server(String name) {
		try (InputStream in = resource(name + ".p12")) {
			KeyStore keys = KeyStore.getInstance("PKCS12");
			keys.load(in, PASSWORD.toCharArray());
			KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			managers.init(keys, PASSWORD.toCharArray());
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(managers.getKeyManagers(), null, null);
			return context;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A client's socket factory trusting the certificate {@code name} only: what
	 * {@code spring.mail.ssl.bundle} gives.
	 */
	public static SSLSocketFactory trusting(String name) {
		try (InputStream in = resource(name + ".pem")) {
			KeyStore trusted = KeyStore.getInstance("PKCS12");
			trusted.load(null, null);
			trusted.setCertificateEntry(name, CertificateFactory.getInstance("X.509").generateCertificate(in));
			TrustManagerFactory managers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			managers.init(trusted);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, managers.getTrustManagers(), null);
			return context.getSocketFactory();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Makes GreenMail's SMTPS present the {@code localhost} certificate. GreenMail reads
	 * its key store once per JVM, on the first TLS server it starts: every test that
	 * starts one calls this first.
	 */
	public static void greenMailPresentsLocalhost() {
		System.setProperty("greenmail.tls.keystore.file", file("localhost.p12").toString());
		System.setProperty("greenmail.tls.keystore.password", PASSWORD);
	}

	/** The file of a test certificate, for a {@code file:} location. */
	public static Path file(String name) {
		try {
			return Path.of(TestTls.class.getResource("/tls/" + name).toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static InputStream resource(String name) throws IOException {
		InputStream in = TestTls.class.getResourceAsStream("/tls/" + name);
		if (in == null) {
			throw new IOException("no test certificate tls/" + name);
		}
		return in;
	}

}
