package org.invitations.mail;

import java.io.IOException;
import java.io.InputStream;
import java.security.PrivateKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;

import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

import org.invitations.support.InvalidSettingException;

/**
 * Reads a DKIM private key: PEM text, or a resource holding it ({@code file:},
 * {@code classpath:} or a plain path), parsed by Spring Boot's PEM reader (PKCS#8
 * {@code BEGIN PRIVATE KEY}; {@code BEGIN RSA PRIVATE KEY} is read too). Only RSA of at
 * least 1024 bits (RFC 8301) and Ed25519 keys sign DKIM; anything else is refused in one
 * line naming the property.
 */
public final class DkimKeys {

	private DkimKeys() {
	}

	/**
	 * @param property the property's name, for the error message
	 * @param value its value: PEM text or a resource location
	 */
	public static PrivateKey load(String property, String value, ResourceLoader resources) {
		String text = value.strip();
		PemContent pem;
		String where;
		if (PemContent.isPresentInText(text)) {
			pem = PemContent.of(text);
			where = "the PEM text";
		}
		else {
			Resource resource = ApplicationResourceLoader.get(resources, true).getResource(text);
			// PEM text that is not quite PEM is a secret all the same: never repeated.
			where = text.length() > 200 || text.contains("\n") || text.contains("-----") ? "the value" : text;
			try (InputStream in = resource.getInputStream()) {
				pem = PemContent.load(in);
			}
			catch (IOException ex) {
				String cause = where.equals(text) ? " (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ")"
						: ", neither PEM text nor a resource";
				throw new InvalidSettingException(property + ": cannot read " + where + cause
						+ "; give a PEM file as file:/path/key.pem, or the PEM text", ex);
			}
		}
		PrivateKey key;
		try {
			key = pem.getPrivateKey();
		}
		catch (RuntimeException ex) {
			throw new InvalidSettingException(property + ": " + where + " holds no private key that can be read ("
					+ ex.getMessage() + "); expected PKCS#8 PEM, -----BEGIN PRIVATE KEY-----", ex);
		}
		if (key == null) {
			throw new InvalidSettingException(property + ": " + where
					+ " holds no private key; expected PKCS#8 PEM, -----BEGIN PRIVATE KEY-----");
		}
		if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < 1024) {
			throw new InvalidSettingException(property + ": the RSA key in " + where + " has "
					+ rsa.getModulus().bitLength() + " bits; DKIM needs at least 1024 (2048 recommended)");
		}
		if (!(key instanceof RSAKey) && !isEd25519(key)) {
			throw new InvalidSettingException(property + ": " + where + " holds a key of type " + describe(key)
					+ "; DKIM signs with RSA or Ed25519 keys only");
		}
		return key;
	}

	static boolean isEd25519(PrivateKey key) {
		return key instanceof EdECKey ed && ed.getParams().getName().equalsIgnoreCase("Ed25519");
	}

	private static String describe(PrivateKey key) {
		return key instanceof EdECKey ed ? ed.getParams().getName() : key.getAlgorithm();
	}

}
