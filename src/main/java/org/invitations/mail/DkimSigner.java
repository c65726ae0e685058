package org.invitations.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * Signs a prepared message by DKIM (RFC 6376): relaxed/relaxed canonicalization, a
 * SHA-256 body hash, and an RSA-SHA256 or Ed25519-SHA256 (RFC 8463) signature, chosen by
 * the key. It reads the bytes once ({@link DkimCanonical}): the header block for the
 * signed fields, the body into the hash, without MIME parsing; the DKIM-Signature field
 * is prepended, folded to lines of at most 78 characters, so that every transport sends
 * it. Immutable; safe for every connection at once.
 */
public final class DkimSigner {

	/**
	 * The fields signed when present, in this order; From and Subject once more than they
	 * occur (RFC 6376 8.15), so that a second one added on the way breaks the signature.
	 */
	static final String[] SIGNED = { "from", "to", "subject", "date", "message-id", "mime-version", "content-type",
			"content-transfer-encoding", MailComposer.INVITATION_HEADER.toLowerCase(Locale.ROOT) };

	private static final Set<String> OVERSIGNED = Set.of("from", "subject");

	private static final int LINE = MailHeaders.LINE;

	private static final Base64.Encoder BASE64 = Base64.getEncoder();

	private final String domain;

	private final String selector;

	private final PrivateKey key;

	private final boolean ed25519;

	/**
	 * @param domain the signing domain ({@code d=}), whose DNS publishes the public key
	 * @param selector the key's name under {@code _domainkey.} of the domain ({@code s=})
	 * @param key an RSA or Ed25519 private key (see {@link DkimKeys})
	 */
	public DkimSigner(String domain, String selector, PrivateKey key) {
		this.domain = domain;
		this.selector = selector;
		this.key = key;
		this.ed25519 = DkimKeys.isEd25519(key);
	}

	/** The same key under another domain or selector (a spec's own). */
	public DkimSigner as(String otherDomain, String otherSelector) {
		return new DkimSigner(otherDomain, otherSelector, key);
	}

	public String domain() {
		return domain;
	}

	public String selector() {
		return selector;
	}

	PrivateKey key() {
		return key;
	}

	/** {@code rsa-sha256} or {@code ed25519-sha256}. */
	public String algorithm() {
		return ed25519 ? "ed25519-sha256" : "rsa-sha256";
	}

	/**
	 * The message with its DKIM-Signature field first, signed at this second.
	 * @param message a whole message: header fields, an empty line, the body; CRLF lines
	 */
	public byte[] sign(byte[] message) {
		return sign(message, System.currentTimeMillis() / 1000);
	}

	byte[] sign(byte[] message, long timestamp) {
		int bodyStart = DkimCanonical.bodyStart(message);
		String bodyHash = BASE64.encodeToString(DkimCanonical.bodyHash(message, bodyStart));
		DkimCanonical.Fields fields = DkimCanonical.Fields.of(message, bodyStart);
		StringBuilder names = new StringBuilder();
		ByteArrayOutputStream signed = new ByteArrayOutputStream(512);
		for (String name : SIGNED) {
			int count = fields.count(name);
			// RFC 6376 5.4.2: instances are signed from the last one up.
			for (int i = count - 1; i >= 0; i--) {
				names.append(names.isEmpty() ? "" : ":").append(name);
				DkimCanonical.relaxedHeader(message, fields.start(name, i), fields.end(name, i), signed);
			}
			if (count > 0 && OVERSIGNED.contains(name)) {
				names.append(':').append(name);
			}
		}
		String field = field(timestamp, names.toString(), bodyHash);
		DkimCanonical.relaxedHeader(field.getBytes(StandardCharsets.US_ASCII), 0, field.length(), signed);
		byte[] data = signed.toByteArray();
		// The field itself is signed without its final CRLF (RFC 6376 3.7).
		String signature = BASE64.encodeToString(signature(data, data.length - 2));
		byte[] header = (field + fold(signature, lastLineLength(field)) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		byte[] out = new byte[header.length + message.length];
		System.arraycopy(header, 0, out, 0, header.length);
		System.arraycopy(message, 0, out, header.length, message.length);
		return out;
	}

	/** The field up to {@code b=}, folded between tags and in the lists. */
	private String field(long timestamp, String names, String bodyHash) {
		Folder folder = new Folder("DKIM-Signature:");
		folder.word(" v=1;");
		folder.word(" a=" + algorithm() + ";");
		folder.word(" c=relaxed/relaxed;");
		folder.word(" d=" + domain + ";");
		folder.word(" s=" + selector + ";");
		folder.word(" t=" + timestamp + ";");
		String[] list = names.split(":");
		for (int i = 0; i < list.length; i++) {
			folder.word((i == 0 ? " h=" : "") + list[i] + (i + 1 < list.length ? ":" : ";"));
		}
		folder.word(" bh=");
		folder.text(fold(bodyHash, folder.column()) + ";");
		folder.word(" b=");
		return folder.toString();
	}

	private static int lastLineLength(String text) {
		return text.length() - (text.lastIndexOf('\n') + 1);
	}

	/**
	 * Base64 text continued on new lines where the current one is full: whitespace inside
	 * {@code b=} and {@code bh=} is ignored by verifiers.
	 */
	private static String fold(String base64, int column) {
		StringBuilder out = new StringBuilder(base64.length() + base64.length() / 64 * 3 + 4);
		int i = 0;
		int room = LINE - column - 1;
		while (base64.length() - i > room) {
			if (room > 0) {
				out.append(base64, i, i + room);
				i += room;
			}
			out.append("\r\n ");
			room = LINE - 2;
		}
		return out.append(base64, i, base64.length()).toString();
	}

	private byte[] signature(byte[] data, int length) {
		try {
			Signature signer;
			if (ed25519) {
				// RFC 8463 3: Ed25519 signs the SHA-256 hash of the data, not the data.
				MessageDigest sha256 = DkimCanonical.sha256();
				sha256.update(data, 0, length);
				signer = Signature.getInstance("Ed25519");
				signer.initSign(key);
				signer.update(sha256.digest());
			}
			else {
				signer = Signature.getInstance("SHA256withRSA");
				signer.initSign(key);
				signer.update(data, 0, length);
			}
			return signer.sign();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("DKIM signature failed: " + ex.getMessage(), ex);
		}
	}

	/** Header text folded before a word that would not fit on the line. */
	private static final class Folder {

		private final StringBuilder text;

		private int column;

		Folder(String start) {
			text = new StringBuilder(256).append(start);
			column = start.length();
		}

		void word(String word) {
			if (column + word.length() > LINE) {
				text.append("\r\n");
				column = 0;
				if (word.charAt(0) != ' ') {
					text.append(' ');
					column = 1;
				}
			}
			text(word);
		}

		void text(String more) {
			text.append(more);
			column = lastLineLength(text.toString());
		}

		int column() {
			return column;
		}

		@Override
		public String toString() {
			return text.toString();
		}

	}

}
