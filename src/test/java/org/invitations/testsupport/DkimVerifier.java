package org.invitations.testsupport;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An independent DKIM verifier for tests: dkimpy (Debian's {@code python3-dkim}) run by
 * {@code src/test/resources/dkim/verify.py} on the message's exact bytes, with the key's
 * TXT record handed to it in place of DNS. And test keys, made fresh for each JVM.
 */
public final class DkimVerifier {

	/** Debian's interpreter: another {@code python3} on the path may lack the module. */
	private static final String PYTHON = "/usr/bin/python3";

	private DkimVerifier() {
	}

	/**
	 * A signing key with its DNS record.
	 *
	 * @param privateKey the key
	 * @param pem the key as PKCS#8 PEM text
	 * @param txt the TXT record that publishes its public key ({@code v=DKIM1; k=…; p=…})
	 */
	public record Key(PrivateKey privateKey, String pem, String txt) {
	}

	/** A new RSA-2048 key. */
	public static Key rsa() {
		KeyPair pair = generate("RSA", 2048);
		return new Key(pair.getPrivate(), pem(pair.getPrivate()),
				"v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
	}

	/**
	 * A new Ed25519 key; its record carries the raw 32-byte public key (RFC 8463 4).
	 */
	public static Key ed25519() {
		KeyPair pair = generate("Ed25519", 0);
		byte[] spki = pair.getPublic().getEncoded();
		byte[] raw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
		return new Key(pair.getPrivate(), pem(pair.getPrivate()),
				"v=DKIM1; k=ed25519; p=" + Base64.getEncoder().encodeToString(raw));
	}

	private static KeyPair generate(String algorithm, int bits) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			if (bits > 0) {
				generator.initialize(bits);
			}
			return generator.generateKeyPair();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String pem(PrivateKey key) {
		return "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(key.getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
	}

	/**
	 * A message to verify against the record published for this domain and selector; a
	 * lookup of any other name finds nothing.
	 *
	 * @param message the message's exact bytes
	 * @param domain the domain the record is published for
	 * @param selector the record's selector
	 * @param txt the record
	 */
	public record Check(byte[] message, String domain, String selector, String txt) {
	}

	/** Whether the message's DKIM signature verifies. */
	public static boolean verifies(byte[] message, String domain, String selector, String txt) {
		return verify(List.of(new Check(message, domain, selector, txt))).get(0);
	}

	/**
	 * Whether each message's DKIM signature verifies, in one run of the verifier (it
	 * takes longer to start than to verify).
	 */
	public static List<Boolean> verify(List<Check> checks) {
		List<Path> files = new ArrayList<>();
		try {
			List<String> command = new ArrayList<>(
					List.of(PYTHON, Path.of(DkimVerifier.class.getResource("/dkim/verify.py").toURI()).toString()));
			for (Check check : checks) {
				Path file = Files.createTempFile("dkim", ".eml");
				files.add(file);
				Files.write(file, check.message());
				command
					.addAll(List.of(file.toString(), check.selector() + "._domainkey." + check.domain(), check.txt()));
			}
			Process verifier = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
			String output = new String(verifier.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!verifier.waitFor(60, TimeUnit.SECONDS)) {
				verifier.destroyForcibly();
				throw new IllegalStateException("the DKIM verifier did not finish");
			}
			List<String> lines = output.lines().toList();
			if (verifier.exitValue() > 1 || lines.size() != checks.size()) {
				throw new IllegalStateException("the DKIM verifier cannot run (it needs Debian's python3-dkim and"
						+ " python3-nacl; its own words are on standard error): " + output);
			}
			return lines.stream().map("valid"::equals).toList();
		}
		catch (IOException | URISyntaxException ex) {
			throw new IllegalStateException("the DKIM verifier cannot run: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			files.forEach(file -> file.toFile().delete());
		}
	}

}
