package org.invitations.mail;

import java.security.interfaces.RSAKey;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.io.ResourceLoader;

import org.invitations.InvitationsProperties;
import org.invitations.spec.JobSpec;
import org.invitations.support.DnsNames;
import org.invitations.support.InvalidSettingException;

/**
 * Whether and how messages are signed by DKIM: the configured key, domain and selector
 * ({@code invitations.mail.dkim.*}), read and checked once as the application starts, and
 * a spec's own domain or selector. Without a key nothing is signed and nothing costs.
 */
public final class DkimSigning {

	/** Nothing signed. */
	public static final DkimSigning OFF = new DkimSigning(null);

	private static final Logger log = LoggerFactory.getLogger(DkimSigning.class);

	private static final String PREFIX = "invitations.mail.dkim.";

	private final @Nullable DkimSigner signer;

	private DkimSigning(@Nullable DkimSigner signer) {
		this.signer = signer;
	}

	/**
	 * The settings checked: a key that cannot be read or used, or a missing or malformed
	 * domain or selector, is one line naming the property.
	 */
	public static DkimSigning of(InvitationsProperties.Dkim settings, ResourceLoader resources) {
		if (settings.privateKey() == null || settings.privateKey().isBlank()) {
			if (settings.domain() != null || settings.selector() != null) {
				log.warn("DKIM: {}domain or selector is set but no {}private-key: messages are not signed", PREFIX,
						PREFIX);
			}
			return OFF;
		}
		String domain = name("domain", settings.domain());
		String selector = name("selector", settings.selector());
		DkimSigner signer = new DkimSigner(domain, selector,
				DkimKeys.load(PREFIX + "private-key", settings.privateKey(), resources));
		log.info("DKIM: every message is signed as d={} s={} ({}{})", domain, selector, signer.algorithm(),
				signer.key() instanceof RSAKey rsa ? ", " + rsa.getModulus().bitLength() + " bits" : "");
		return new DkimSigning(signer);
	}

	private static String name(String property, @Nullable String value) {
		if (value == null || value.isBlank()) {
			throw new InvalidSettingException(PREFIX + property + " is required with " + PREFIX
					+ "private-key: the DNS name the public key is published under is SELECTOR._domainkey.DOMAIN");
		}
		String name = value.strip();
		if (!DnsNames.isValid(name)) {
			throw new InvalidSettingException(PREFIX + property + ": '" + value
					+ "' is not a DNS name (letters, digits, '-' and '.'; an international domain in its xn-- form)");
		}
		return name;
	}

	/** The configured signer, or {@code null} when messages are not signed. */
	public @Nullable DkimSigner signer() {
		return signer;
	}

	/**
	 * The signer of a spec's messages: the configured key, as the spec's domain and
	 * selector where it names them; {@code null} when no key is configured.
	 */
	public @Nullable DkimSigner signer(JobSpec spec) {
		JobSpec.Dkim own = spec.dkim();
		if (own.domain() == null && own.selector() == null) {
			return signer;
		}
		if (signer == null) {
			log.warn("DKIM: spec {} names a DKIM domain or selector but no {}private-key is configured: its"
					+ " messages are not signed", spec.name(), PREFIX);
			return null;
		}
		return signer.as(own.domain() != null ? own.domain() : signer.domain(),
				own.selector() != null ? own.selector() : signer.selector());
	}

}
