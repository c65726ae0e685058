package org.invitations.bounce;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * Where SNS signing certificates come from, by their {@code SigningCertURL}: fetched over
 * HTTPS in production ({@link HttpsSnsCertificates}); only ever asked for a URL
 * {@link SnsMessages#trustedCertificateUrl} accepted.
 */
public interface SnsCertificates {

	X509Certificate certificate(URI url) throws IOException, GeneralSecurityException;

}
