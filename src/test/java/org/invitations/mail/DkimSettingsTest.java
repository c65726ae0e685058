package org.invitations.mail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.core.io.DefaultResourceLoader;

import org.invitations.InvitationsProperties;
import org.invitations.support.InvalidSettingException;
import org.invitations.testsupport.DkimVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DKIM settings: off without a key; a key as a file or as PEM text, its algorithm
 * chosen by its type; every unusable setting one line naming the property and the cause.
 */
class DkimSettingsTest {

	@TempDir
	Path dir;

	private static DkimSigning of(String domain, String selector, String key) {
		return DkimSigning.of(new InvitationsProperties.Dkim(domain, selector, key), new DefaultResourceLoader());
	}

	@Test
	void offWithoutAKeyAndTheKeyTypeChoosesTheAlgorithm() throws Exception {
		assertThat(of("example.org", "s1", null).signer()).isNull();
		DkimVerifier.Key ed25519 = DkimVerifier.ed25519();
		Path file = Files.writeString(dir.resolve("dkim.pem"), ed25519.pem());

		DkimSigner fromFile = of("example.org", "s1", "file:" + file).signer();
		DkimSigner fromPlainPath = of("example.org", "s1", file.toString()).signer();
		DkimSigner inline = of(" example.org ", "s1", DkimVerifier.rsa().pem()).signer();

		assertThat(fromFile.algorithm()).isEqualTo("ed25519-sha256");
		assertThat(fromPlainPath.algorithm()).isEqualTo("ed25519-sha256");
		assertThat(inline.algorithm()).isEqualTo("rsa-sha256");
		assertThat(inline.domain()).isEqualTo("example.org");
	}

	@Test
	void anUnusableSettingIsOneLineNamingThePropertyAndTheCause() throws Exception {
		String rsa = DkimVerifier.rsa().pem();
		assertThatThrownBy(() -> of("example.org", "s1", "file:" + dir.resolve("missing.pem")))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageStartingWith("invitations.mail.dkim.private-key: cannot read file:" + dir.resolve("missing.pem")
					+ " (FileNotFoundException: ");
		assertThatThrownBy(() -> of("example.org", "s1", rsa.replace("-----BEGIN PRIVATE KEY-----", "")))
			.hasMessage("invitations.mail.dkim.private-key: cannot read the value, neither PEM text nor a resource;"
					+ " give a PEM file as file:/path/key.pem, or the PEM text");
		Path text = Files.writeString(dir.resolve("notes.txt"), "not a key\n");
		assertThatThrownBy(() -> of("example.org", "s1", "file:" + text))
			.hasMessage("invitations.mail.dkim.private-key: file:" + text + " holds no private key that can be read"
					+ " (Missing private key or unrecognized format); expected PKCS#8 PEM, -----BEGIN PRIVATE KEY-----");
		assertThatThrownBy(() -> of("example.org", "s1", pem(KeyPairGenerator.getInstance("EC"), 256)))
			.hasMessage("invitations.mail.dkim.private-key: the PEM text holds a key of type EC; DKIM signs with RSA or"
					+ " Ed25519 keys only");
		assertThatThrownBy(() -> of("example.org", "s1", pem(KeyPairGenerator.getInstance("RSA"), 512)))
			.hasMessage("invitations.mail.dkim.private-key: the RSA key in the PEM text has 512 bits; DKIM needs at"
					+ " least 1024 (2048 recommended)");
		assertThatThrownBy(() -> of("example.org", null, rsa)).hasMessageStartingWith(
				"invitations.mail.dkim.selector is required with invitations.mail.dkim.private-key");
		assertThatThrownBy(() -> of("example.org/", "s1", rsa))
			.hasMessageStartingWith("invitations.mail.dkim.domain: 'example.org/' is not a DNS name");
		assertThat(of("example.org", "s1", rsa).signer()).isNotNull();
	}

	private static String pem(KeyPairGenerator generator, int bits) {
		generator.initialize(bits);
		return "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
	}

}
