package org.invitations.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * SNS signing certificates fetched over HTTPS (the JDK's trust store checks the server)
 * and kept: SNS signs with the same certificate for months, so each URL is fetched once
 * per process. Redirects are not followed: the URL checked is the URL fetched.
 */
@Component
@ConditionalOnWebApplication
class HttpsSnsCertificates implements SnsCertificates {

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(10))
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	private final Map<URI, X509Certificate> cache = new ConcurrentHashMap<>();

	@Override
	public X509Certificate certificate(URI url) throws IOException, GeneralSecurityException {
		X509Certificate cached = cache.get(url);
		if (cached != null) {
			return cached;
		}
		HttpResponse<byte[]> response;
		try {
			response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
					HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while fetching " + url, ex);
		}
		if (response.statusCode() != 200) {
			throw new IOException(url + " answered " + response.statusCode());
		}
		X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(response.body()));
		cache.put(url, certificate);
		return certificate;
	}

}
