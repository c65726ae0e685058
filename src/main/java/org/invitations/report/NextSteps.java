package org.invitations.report;

import java.util.Map;

/** What an admin can do about each problem reason, with the command that does it. */
public final class NextSteps {

	private static final String FIX_ROW = "Correct the row on the line shown in the source file and send again: upload the"
			+ " corrected file on the console's Import page, or run the spec again (`run SPEC`). People already"
			+ " invited are skipped, so only the corrected rows are sent.";

	private static final Map<String, String> BY_REASON = Map.ofEntries(Map.entry("FAILED SMTP_REJECTED",
			"The mail server refused these addresses for good. Check each address with"
					+ " the person and correct it at its source, then choose *Resend failed…* on this run's page in the"
					+ " console (command line: `resend SPEC --execution %d --status failed`)."),
			Map.entry("FAILED BOUNCED",
					"The recipients' mail servers reported these addresses undeliverable after accepting the message"
							+ " (a hard bounce); their links no longer work and the addresses are on the suppression"
							+ " list. Get a correct address from each person and change it at its source, then send"
							+ " again: the new address is not suppressed. If an address was right after all, lift it"
							+ " on the console's Suppressed page (command line: `suppress remove EMAIL`) first."),
			Map.entry("FAILED IN_DOUBT_CANCELLED", "The run was abandoned while these were on their way; they may have"
					+ " arrived, but their links no longer work. Send new links with *Resend failed…* on this run's"
					+ " page (command line: `resend SPEC --execution %d --status failed`)."),
			Map.entry("DEFERRED SMTP_TEMPORARY",
					"The server refused these for now on every attempt; their invitations stay open. Try again later"
							+ " with *Resend deferred…* on this run's page (command line: `resend SPEC --execution %d"
							+ " --status deferred`)."),
			Map.entry("QUEUED",
					"The run is unfinished: these are still waiting. Restart it from its page in the console, or run"
							+ " the same spec again (`run SPEC`); nobody gets a second email."),
			Map.entry("QUEUED SMTP_TEMPORARY",
					"Waiting for a later pass after a temporary refusal. Restart the run from its page in the console,"
							+ " or run the same spec again (`run SPEC`)."),
			Map.entry("REJECTED MISSING_EMAIL", FIX_ROW), Map.entry("REJECTED INVALID_EMAIL", FIX_ROW),
			Map.entry("REJECTED EMAIL_TOO_LONG", FIX_ROW), Map.entry("REJECTED CONTROL_CHARACTER", FIX_ROW),
			Map.entry("REJECTED INVALID_VALUE", FIX_ROW), Map.entry("REJECTED WRONG_COLUMN_COUNT", FIX_ROW),
			Map.entry("REJECTED RECORD_TOO_LONG",
					FIX_ROW + " The row is longer than invitations.import.max-record-length."),
			Map.entry("REJECTED FIELD_TOO_LONG",
					FIX_ROW + " A field is longer than invitations.import.max-field-length."),
			Map.entry("REJECTED DUPLICATE_IN_FILE",
					"The file names these people twice; the first row was used. Remove the"
							+ " later rows, or nothing: nobody was invited twice."),
			Map.entry("REJECTED EXTERNAL_ID_CONFLICT",
					"The row's external id and address belong to different stored"
							+ " people. Find out which person the row means and correct the id or the address."),
			Map.entry("SKIPPED EMAIL_INACTIVE",
					"These people's addresses are marked inactive. Get a current address, or"
							+ " set `filters: active-email: false` if they should be invited anyway."),
			Map.entry("SKIPPED SUPPRESSED",
					"These addresses are on the suppression list: someone asked that they not be invited again"
							+ " (the detail says who, when and why). If they should be invited after all, lift it on the"
							+ " console's Suppressed page (command line: `suppress remove EMAIL`), then send again."),
			Map.entry("SKIPPED ALREADY_LOGGED_IN",
					"They have logged in already: nothing to do, or send them password-reset instructions from their"
							+ " page in the console (or with `kind: password-reset` or `kind: auto` in the spec)."),
			Map.entry("SKIPPED NEVER_LOGGED_IN",
					"They never logged in, so they need an invitation, not a password reset: send one from their"
							+ " page in the console (or use `kind: invitation` or `kind: auto` in the spec)."),
			Map.entry("SKIPPED ALREADY_INVITED",
					"They have an open invitation already. Nothing to do, or send a new link with *Resend…* on their"
							+ " page in the console (command line: `resend SPEC --email ADDRESS`)."),
			Map.entry("SKIPPED RUN_ABANDONED",
					"The run was abandoned before these were sent. Send again to invite them: choose them on the"
							+ " console's People page, or run the spec again."),
			Map.entry("SKIPPED ADDRESS_CHANGED",
					"The address changed after the invitation was queued. Send again to invite the new address: from"
							+ " the person's page in the console, or by running the spec again."),
			Map.entry("SKIPPED ALREADY_ACCEPTED", "The link was used already: nothing to do."),
			Map.entry("SKIPPED CANCELLED",
					"The invitation was cancelled. Send a new one from the person's page if they should be invited."),
			Map.entry("SKIPPED ALREADY_QUEUED", "Another run is sending these right now: nothing to do."),
			Map.entry("SKIPPED NOT_SENT",
					"These were never sent: send again from the People page, or run the spec" + " again (`run SPEC`)."),
			Map.entry("SKIPPED RESEND_LIMIT",
					"resend.max-attempts is reached: contact the person another way, or raise the"
							+ " limit in the spec."),
			Map.entry("SKIPPED RESEND_TOO_SOON",
					"The last send is more recent than resend.min-interval (each row says from when another is"
							+ " allowed): resend later, or now with the override on the dry run's page in the console"
							+ " (command line: `resend … --any-interval`)."));

	private NextSteps() {
	}

	/**
	 * What to do about rows of this outcome and reason, or {@code null} when there is
	 * nothing to do (sent).
	 * @param executionId the execution the commands name
	 */
	public static String advice(String outcome, String reason, long executionId) {
		if (outcome.equals("SENT") || outcome.equals("WOULD_SEND")) {
			return null;
		}
		String advice = BY_REASON.get(reason == null || reason.isEmpty() ? outcome : outcome + " " + reason);
		if (advice == null) {
			advice = BY_REASON.get(outcome);
		}
		if (advice == null) {
			advice = "See the detail of each row below; the README lists every outcome and reason.";
		}
		return advice.contains("%d") ? advice.formatted(executionId) : advice;
	}

}
