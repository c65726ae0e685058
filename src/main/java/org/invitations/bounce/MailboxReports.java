package org.invitations.bounce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

import org.invitations.invitation.BounceNotice;
import org.invitations.mail.MailComposer;

/**
 * Reads a message of the bounce mailbox: an RFC 3464 delivery status notification
 * ({@code multipart/report; report-type=delivery-status}) gives one report per failed or
 * delayed recipient (Action failed with a 5.x.x status: hard; a 4.x.x status or Action
 * delayed: soft), an RFC 5965 feedback report ({@code report-type=feedback-report}) one
 * complaint. The original message's headers, returned as {@code text/rfc822-headers} or
 * {@code message/rfc822}, name the invitation. Anything else gives no report.
 */
final class MailboxReports {

	private MailboxReports() {
	}

	static List<BounceReport> read(MimeMessage message) throws MessagingException, IOException {
		if (!message.isMimeType("multipart/report")) {
			return List.of();
		}
		String type = new ContentType(message.getContentType()).getParameter("report-type");
		if (!(message.getContent() instanceof Multipart parts) || type == null) {
			return List.of();
		}
		byte[] report = null;
		InternetHeaders original = null;
		for (int i = 0; i < parts.getCount(); i++) {
			BodyPart part = parts.getBodyPart(i);
			if (part.isMimeType("message/delivery-status") || part.isMimeType("message/global-delivery-status")
					|| part.isMimeType("message/feedback-report")) {
				report = bytes(part);
			}
			else if (part.isMimeType("text/rfc822-headers") || part.isMimeType("message/rfc822")
					|| part.isMimeType("message/global") || part.isMimeType("message/global-headers")) {
				try (InputStream in = new ByteArrayInputStream(bytes(part))) {
					original = new InternetHeaders(in);
				}
			}
		}
		if (report == null || original == null) {
			return List.of();
		}
		String from = sender(message);
		String key = message.getMessageID() != null ? message.getMessageID() : sha256(report);
		List<InternetHeaders> groups = groups(report);
		return switch (type.toLowerCase(Locale.ROOT)) {
			case "delivery-status" -> bounces(groups, original, "bounce: DSN from " + from, "dsn:" + key);
			case "feedback-report" -> complaint(groups, original, "complaint: ARF report from " + from, "arf:" + key);
			default -> List.of();
		};
	}

	private static List<BounceReport> bounces(List<InternetHeaders> groups, InternetHeaders original, String source,
			String key) {
		List<BounceReport> reports = new ArrayList<>();
		// The first group is about the message; each further one about one recipient.
		for (InternetHeaders recipient : groups.subList(Math.min(1, groups.size()), groups.size())) {
			String action = field(recipient, "Action").toLowerCase(Locale.ROOT);
			String status = field(recipient, "Status").split("\\s")[0];
			BounceNotice.Kind kind;
			if (action.equals("failed") && status.startsWith("5.")) {
				kind = BounceNotice.Kind.HARD;
			}
			else if (action.equals("delayed") || (action.equals("failed") && status.startsWith("4."))) {
				kind = BounceNotice.Kind.SOFT;
			}
			else {
				continue;
			}
			List<String> addresses = new ArrayList<>();
			addAddress(addresses, field(recipient, "Final-Recipient"));
			addAddress(addresses, field(recipient, "Original-Recipient"));
			String diagnostic = field(recipient, "Diagnostic-Code");
			int semicolon = diagnostic.indexOf(';');
			String words = semicolon >= 0 ? diagnostic.substring(semicolon + 1) : diagnostic;
			reports.add(new BounceReport(kind, header(original, MailComposer.INVITATION_HEADER),
					header(original, "Message-ID"), addresses, status.isEmpty() ? null : status,
					StatusWords.describe(kind, status, words), key + ":" + String.join(",", addresses), source));
		}
		return reports;
	}

	private static List<BounceReport> complaint(List<InternetHeaders> groups, InternetHeaders original, String source,
			String key) {
		if (groups.isEmpty()) {
			return List.of();
		}
		InternetHeaders feedback = groups.get(0);
		String type = field(feedback, "Feedback-Type");
		List<String> addresses = new ArrayList<>();
		String[] rcpts = feedback.getHeader("Original-Rcpt-To");
		for (String rcpt : rcpts == null ? new String[0] : rcpts) {
			addAddress(addresses, rcpt);
		}
		// Many providers redact the recipient from the report: the original's To then
		// names it.
		String to = header(original, "To");
		if (addresses.isEmpty() && to != null) {
			try {
				for (InternetAddress address : InternetAddress.parseHeader(to, false)) {
					addresses.add(address.getAddress());
				}
			}
			catch (MessagingException ex) {
				// an unreadable To names nobody
			}
		}
		String detail = "reported as " + (type.isEmpty() ? "abuse" : type.toLowerCase(Locale.ROOT))
				+ (field(feedback, "User-Agent").isEmpty() ? "" : " by " + field(feedback, "User-Agent"));
		return List.of(new BounceReport(BounceNotice.Kind.COMPLAINT, header(original, MailComposer.INVITATION_HEADER),
				header(original, "Message-ID"), addresses, type.isEmpty() ? null : type, detail, key, source));
	}

	/** The groups of fields of a report body, separated by blank lines. */
	private static List<InternetHeaders> groups(byte[] report) throws MessagingException {
		List<InternetHeaders> groups = new ArrayList<>();
		ByteArrayInputStream in = new ByteArrayInputStream(report);
		while (in.available() > 0) {
			InternetHeaders group = new InternetHeaders(in);
			if (group.getAllHeaderLines().hasMoreElements()) {
				groups.add(group);
			}
		}
		return groups;
	}

	/** {@code rfc822; anna@example.org} as the address; other types are not ours. */
	private static void addAddress(List<String> addresses, String field) {
		int semicolon = field.indexOf(';');
		String type = semicolon < 0 ? "rfc822" : field.substring(0, semicolon).strip();
		String address = field.substring(semicolon + 1).strip();
		if (type.equalsIgnoreCase("rfc822") && !address.isEmpty()) {
			addresses.add(address.replaceAll("^<|>$", ""));
		}
	}

	private static String field(InternetHeaders group, String name) {
		String value = group.getHeader(name, ", ");
		return value == null ? "" : value.strip();
	}

	private static @Nullable String header(InternetHeaders headers, String name) {
		String value = headers.getHeader(name, null);
		return value == null ? null : value.strip();
	}

	private static String sender(MimeMessage message) throws MessagingException {
		var from = message.getFrom();
		return from == null || from.length == 0 ? "an unnamed sender"
				: from[0] instanceof InternetAddress address ? address.getAddress() : from[0].toString();
	}

	/** The part's content as sent, its transfer encoding undone. */
	private static byte[] bytes(Part part) throws MessagingException, IOException {
		try (InputStream in = part.getInputStream()) {
			return in.readAllBytes();
		}
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
