package org.invitations.mail;

/**
 * A message part's body as it writes itself into the message: quoted-printable, CRLF
 * lines. A rendered string is encoded character by character; a compiled template writes
 * the lines between its gaps from bytes it encoded once per run.
 */
@FunctionalInterface
interface QpBody {

	void encode(MessageBuffer out);

	/** A rendered text, encoded as a whole. */
	static QpBody of(String text) {
		return out -> MimeBytes.quotedPrintable(out, text);
	}

}
