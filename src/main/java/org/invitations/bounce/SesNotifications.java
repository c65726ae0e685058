package org.invitations.bounce;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.invitations.invitation.BounceNotice;
import org.invitations.mail.MailComposer;

/**
 * Reads an Amazon SES notification (the {@code Message} of an SNS notification): a
 * {@code Bounce} gives one report per bounced recipient ({@code bounceType} Permanent:
 * hard; Transient or Undetermined: soft), a {@code Complaint} one per complained
 * recipient. The original message is named by its {@code X-Invitation-Id} in
 * {@code mail.headers} (SES returns the headers when the identity is set to include them)
 * or by {@code mail.commonHeaders.messageId}. Deliveries and anything else give no
 * report.
 */
final class SesNotifications {

	static final String SOURCE = "Amazon SES";

	private SesNotifications() {
	}

	static List<BounceReport> read(JsonNode notification) {
		String type = text(notification, "notificationType");
		type = type != null ? type : text(notification, "eventType");
		JsonNode mail = notification.path("mail");
		String header = null;
		String messageId = null;
		for (JsonNode field : mail.path("headers")) {
			String name = text(field, "name");
			if (MailComposer.INVITATION_HEADER.equalsIgnoreCase(name)) {
				header = text(field, "value");
			}
			else if ("Message-ID".equalsIgnoreCase(name)) {
				messageId = text(field, "value");
			}
		}
		messageId = messageId != null ? messageId : text(mail.path("commonHeaders"), "messageId");
		List<BounceReport> reports = new ArrayList<>();
		if ("Bounce".equals(type)) {
			JsonNode bounce = notification.path("bounce");
			BounceNotice.Kind kind = "Permanent".equals(text(bounce, "bounceType")) ? BounceNotice.Kind.HARD
					: BounceNotice.Kind.SOFT;
			for (JsonNode recipient : bounce.path("bouncedRecipients")) {
				String address = text(recipient, "emailAddress");
				String status = text(recipient, "status");
				String words = text(recipient, "diagnosticCode");
				words = words == null ? null : words.replaceFirst("^(?i)smtp;\\s*", "");
				reports.add(new BounceReport(kind, header, messageId, address == null ? List.of() : List.of(address),
						status, StatusWords.describe(kind, status, words != null ? words : bounceType(bounce)),
						"ses:" + text(bounce, "feedbackId") + ":" + address, "bounce: " + SOURCE));
			}
		}
		else if ("Complaint".equals(type)) {
			JsonNode complaint = notification.path("complaint");
			String feedback = text(complaint, "complaintFeedbackType");
			for (JsonNode recipient : complaint.path("complainedRecipients")) {
				String address = text(recipient, "emailAddress");
				reports.add(new BounceReport(BounceNotice.Kind.COMPLAINT, header, messageId,
						address == null ? List.of() : List.of(address), feedback,
						"reported as " + (feedback == null ? "spam" : feedback) + " through " + SOURCE,
						"ses:" + text(complaint, "feedbackId") + ":" + address, "complaint: " + SOURCE));
			}
		}
		return reports;
	}

	private static String bounceType(JsonNode bounce) {
		return text(bounce, "bounceType") + " bounce, " + text(bounce, "bounceSubType");
	}

	static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return value == null || value.isNull() || !value.isValueNode() ? null : value.asString();
	}

}
