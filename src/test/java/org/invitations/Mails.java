package org.invitations;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/** Reads what the SMTP server received, as a recipient's mail program would. */
final class Mails {

	static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{44})(?![A-Za-z0-9_-])");

	private Mails() {
	}

	static String to(MimeMessage message) {
		try {
			return ((InternetAddress) message.getAllRecipients()[0]).getAddress();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String part(MimeMessage message, String type) {
		try {
			MimeMultipart multipart = (MimeMultipart) message.getContent();
			for (int i = 0; i < multipart.getCount(); i++) {
				BodyPart part = multipart.getBodyPart(i);
				if (part.isMimeType(type)) {
					return (String) part.getContent();
				}
			}
			throw new AssertionError("no " + type + " part");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String token(MimeMessage message) {
		Matcher matcher = TOKEN.matcher(part(message, "text/plain"));
		if (!matcher.find()) {
			throw new AssertionError("no token link in the plain-text part");
		}
		return matcher.group(1);
	}

}
