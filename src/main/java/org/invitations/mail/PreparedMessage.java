package org.invitations.mail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

/**
 * A finished RFC 5322 message as bytes with its envelope, built once, so that sending
 * costs no MIME object graph: the mail transport only streams it. An invitation's message
 * has two alternatives (plain text, then HTML), UTF-8, quoted-printable, CRLF lines of at
 * most 76 characters in the bodies. It is not a {@link MimeMessage}: a transport that
 * needs one builds a real one from the bytes ({@link #toMimeMessage}).
 */
public final class PreparedMessage {

	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
			Locale.ENGLISH);

	private static volatile FormattedDate lastDate;

	private static final Map<String, String> SUBJECTS = new ConcurrentHashMap<>();

	private static volatile FromLine lastFrom;

	private static final String PROCESS = randomName();

	private static final AtomicLong SENT = new AtomicLong();

	private final byte[] bytes;

	private final InternetAddress from;

	private final InternetAddress to;

	private final String messageId;

	private final @Nullable Long invitationId;

	/** Whether a line of the bytes starts with a dot, which SMTP's DATA must double. */
	private final boolean dotLines;

	private PreparedMessage(byte[] bytes, InternetAddress from, InternetAddress to, String messageId,
			@Nullable Long invitationId, boolean dotLines) {
		this.bytes = bytes;
		this.dotLines = dotLines;
		this.from = from;
		this.to = to;
		this.messageId = messageId;
		this.invitationId = invitationId;
	}

	/** An invitation's message, from its rendered parts. */
	PreparedMessage(long invitationId, InternetAddress from, InternetAddress to, String subject, String text,
			String html, String domain) {
		this(invitationId, from, to, subject, QpBody.of(text), QpBody.of(html), domain);
	}

	/** An invitation's message, from its parts as they encode themselves. */
	PreparedMessage(long invitationId, InternetAddress from, InternetAddress to, String subject, QpBody text,
			QpBody html, String domain) {
		this.from = from;
		this.to = to;
		this.invitationId = invitationId;
		// No line of an invitation's message starts with a dot: header lines start with
		// their name, folded ones with a blank, body lines are quoted-printable (which
		// encodes a leading dot) or a boundary.
		this.dotLines = false;
		String unique = unique();
		this.messageId = "<invitation." + invitationId + "." + unique + "@" + domain + ">";
		// Unique within the message is all a boundary needs; one unique value per message
		// is enough for both.
		String boundary = "=_inv_" + unique;
		MessageBuffer out = MessageBuffer.empty();
		MimeBytes.header(out, "Date", date());
		out.ascii(fromLine(from));
		out.ascii(MailHeaders.mailbox("To", to.getPersonal(), to.getAddress()));
		out.ascii("\r\n");
		MimeBytes.header(out, "Message-ID", messageId);
		out.ascii(subjectLine(subject));
		MimeBytes.header(out, "MIME-Version", "1.0");
		MimeBytes.header(out, MailComposer.INVITATION_HEADER, Long.toString(invitationId));
		// The boundary starts with "=_", which quoted-printable bodies can never contain.
		// Folded here: the line is longer than 78, and folding it for each message would
		// cost more than this.
		out.ascii("Content-Type: multipart/alternative;\r\n boundary=\"");
		out.ascii(boundary);
		out.ascii("\"\r\n\r\n");
		MimeBytes.part(out, boundary, "text/plain", text);
		MimeBytes.part(out, boundary, "text/html", html);
		out.ascii("--");
		out.ascii(boundary);
		out.ascii("--\r\n");
		this.bytes = out.toByteArray();
	}

	/**
	 * A value no other message has: 128 random bits drawn once per process, and a count.
	 * A random UUID for each message cost a draw from the shared SecureRandom, under its
	 * lock, for what only needs to be unique.
	 */
	private static String unique() {
		return PROCESS + "." + Long.toString(SENT.incrementAndGet(), 36);
	}

	private static String randomName() {
		byte[] random = new byte[16];
		new SecureRandom().nextBytes(random);
		return new BigInteger(1, random).toString(36);
	}

	/**
	 * The Date header's value, formatted once per second rather than for every message.
	 */
	private static String date() {
		long second = System.currentTimeMillis() / 1000;
		FormattedDate last = lastDate;
		if (last == null || last.second() != second) {
			last = new FormattedDate(second,
					DATE.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), ZoneId.systemDefault())));
			lastDate = last;
		}
		return last.text();
	}

	/**
	 * The From line; a run has one sender, so it is built once and not for every message.
	 */
	private static String fromLine(InternetAddress from) {
		FromLine last = lastFrom;
		if (last == null || last.from() != from) {
			last = new FromLine(from, MailHeaders.mailbox("From", from.getPersonal(), from.getAddress()) + "\r\n");
			lastFrom = last;
		}
		return last.line();
	}

	/**
	 * The Subject line; a run's messages mostly share their subject, so the last few are
	 * kept rather than built again for every message.
	 */
	private static String subjectLine(String subject) {
		String done = SUBJECTS.get(subject);
		if (done == null) {
			done = MailHeaders.unstructured("Subject", subject) + "\r\n";
			if (SUBJECTS.size() >= 64) {
				SUBJECTS.clear();
			}
			SUBJECTS.put(subject, done);
		}
		return done;
	}

	/**
	 * A message JavaMail built (a run's notification), as bytes: it must have one sender
	 * and one recipient, the envelope's. Its Message-ID and other headers are set here,
	 * as sending it would.
	 */
	public static PreparedMessage of(MimeMessage message) throws MessagingException {
		message.saveChanges();
		InternetAddress from = single(message.getFrom(), "sender");
		InternetAddress to = single(message.getAllRecipients(), "recipient");
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			message.writeTo(out);
		}
		catch (IOException ex) {
			throw new MessagingException("message cannot be written: " + ex.getMessage(), ex);
		}
		String id = message.getHeader(MailComposer.INVITATION_HEADER, null);
		byte[] bytes = crlf(out.toByteArray());
		return new PreparedMessage(bytes, from, to, message.getMessageID(),
				id == null ? null : Long.valueOf(id.strip()), dotLines(bytes, bytes.length));
	}

	/**
	 * Line ends as SMTP requires them (RFC 5321 2.3.8): JavaMail writes a text body's
	 * lines as they are, often with LF alone, which Angus Mail turned into CRLF on the
	 * wire and the built-in client did not; a DKIM signature must cover the bytes that
	 * arrive, so both now send CRLF.
	 */
	private static byte[] crlf(byte[] bytes) {
		int bare = 0;
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
				bare++;
			}
		}
		if (bare == 0) {
			return bytes;
		}
		byte[] out = new byte[bytes.length + bare];
		int o = 0;
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
				out[o++] = '\r';
			}
			out[o++] = bytes[i];
		}
		return out;
	}

	private static InternetAddress single(Address @Nullable [] addresses, String what) throws MessagingException {
		if (addresses == null || addresses.length != 1 || !(addresses[0] instanceof InternetAddress address)) {
			throw new MessagingException("exactly one " + what + " expected");
		}
		return address;
	}

	/**
	 * The same message with a DKIM-Signature field first; envelope, Message-ID and
	 * invitation unchanged.
	 */
	public PreparedMessage signedBy(DkimSigner signer) {
		byte[] signed = signer.sign(bytes);
		// The message follows its new first field: only that field's lines are new.
		return new PreparedMessage(signed, from, to, messageId, invitationId,
				dotLines || dotLines(signed, signed.length - bytes.length + 1));
	}

	/**
	 * Whether a line that starts within the first {@code end} bytes starts with a dot.
	 */
	static boolean dotLines(byte[] bytes, int end) {
		if (bytes.length > 0 && bytes[0] == '.') {
			return true;
		}
		for (int i = 0; i < Math.min(end, bytes.length - 1); i++) {
			if (bytes[i] == '\n' && bytes[i + 1] == '.') {
				return true;
			}
		}
		return false;
	}

	/**
	 * The message as JavaMail's own object, parsed from the bytes, for a transport that
	 * sends only those (Angus Mail, with TLS or a login): its headers and content are the
	 * bytes', unchanged.
	 */
	public MimeMessage toMimeMessage(Session session) {
		try {
			return new MimeMessage(session, new ByteArrayInputStream(bytes));
		}
		catch (MessagingException ex) {
			throw new IllegalStateException("a prepared message cannot be read back: " + ex.getMessage(), ex);
		}
	}

	/** The whole message, CRLF lines, not yet dot-stuffed; not to be modified. */
	public byte[] bytes() {
		return bytes;
	}

	/**
	 * Whether a line of {@link #bytes} starts with a dot, so that sending it by SMTP
	 * needs dot-stuffing; known when it is built, rather than looked for byte by byte on
	 * every attempt to send it.
	 */
	public boolean dotLines() {
		return dotLines;
	}

	/**
	 * The envelope's sender (MAIL FROM), unless the transport is configured with one of
	 * its own.
	 */
	public InternetAddress from() {
		return from;
	}

	/** The envelope's one recipient (RCPT TO). */
	public InternetAddress to() {
		return to;
	}

	/**
	 * The Message-ID header, angle brackets included: the same on every attempt to send
	 * this message.
	 */
	public String messageId() {
		return messageId;
	}

	/**
	 * The invitation the message belongs to (its {@value MailComposer#INVITATION_HEADER}
	 * header), if any.
	 */
	public @Nullable Long invitationId() {
		return invitationId;
	}

	public int size() {
		return bytes.length;
	}

	private record FormattedDate(long second, String text) {
	}

	private record FromLine(InternetAddress from, String line) {
	}

}
