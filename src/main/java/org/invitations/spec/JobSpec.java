package org.invitations.spec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A validated job spec: who to read, whom to keep, what to send and how.
 *
 * @param file the spec file it was read from
 * @param checksum SHA-256 of the spec file, so a restart can tell that the spec did not
 * change
 * @param name the job's name; runs of the same name are one history
 * @param source where people come from
 * @param filters which people are kept
 * @param role the role given to every person who is sent an email
 * @param kind what to send
 * @param template the template set, looked up in the templates folder, then built in
 * @param templates the folder of template sets: {@code templates/} beside the spec unless
 * the spec names another
 * @param tokenTtl how long a link stays valid
 * @param chunkSize items per transaction
 * @param linkBaseUrl the set-password page; the token is appended as a query parameter
 * @param from the sender address, or {@code null} for the configured default
 * @param organisation the organisation's name shown in the emails
 * @param resend limits on resending this spec's invitations
 * @param throttle sending limits of this spec, on top of the mail configuration's
 * @param linkTokenParameter the name of the query parameter that carries the token in the
 * link
 * @param description free text shown in reports, or {@code null}
 * @param notifications who hears about a run when it ends
 * @param operations the spec's guard and schedule
 * @param dkim the DKIM domain and selector of this spec's messages, where they differ
 * from the configured ones
 */
public record JobSpec(Path file, String checksum, String name, SourceSpec source, Filters filters, String role,
		Kind kind, String template, Path templates, Duration tokenTtl, int chunkSize, URI linkBaseUrl,
		@Nullable String from, String organisation, Resend resend, Throttle throttle, String linkTokenParameter,
		@Nullable String description, Notify notifications, Operations operations, Dkim dkim) {

	/**
	 * The DKIM identity of a spec's messages, signed with the configured key
	 * ({@code invitations.mail.dkim.private-key}): the spec's own domain or selector,
	 * each {@code null} for the configured one.
	 *
	 * @param domain the signing domain ({@code d=})
	 * @param selector the key's selector ({@code s=})
	 */
	public record Dkim(@Nullable String domain, @Nullable String selector) {

		/** The configured domain and selector. */
		public static final Dkim CONFIGURED = new Dkim(null, null);

	}

	/**
	 * How the spec is run by operators: the blast-radius guard and the schedule.
	 *
	 * @param maxRecipients a run that would send more stops before sending and asks for
	 * {@code --confirm N}; {@code null} for the configured default
	 * ({@code invitations.max-recipients})
	 * @param schedule when {@code serve} runs the spec, or {@code null}
	 */
	public record Operations(@Nullable Long maxRecipients, @Nullable Schedule schedule) {

		public static final Operations NONE = new Operations(null, null);

	}

	/**
	 * Sending limits, e.g. a provider's 14 messages per second and 2,000 per day.
	 *
	 * @param perSecond messages per second, 0 for no limit
	 * @param perDay messages of this spec in any 24 hours, 0 for no limit
	 */
	public record Throttle(double perSecond, long perDay) {
	}

	/**
	 * Limits on resending one invitation.
	 *
	 * @param maxAttempts sends in all, the first included, after which a resend is
	 * refused
	 * @param minInterval time since the last send before another resend is allowed
	 */
	public record Resend(int maxAttempts, Duration minInterval) {
	}

	/**
	 * The same spec with another template set: reminders are the spec's emails in the
	 * reminder set.
	 */
	public JobSpec withTemplate(String templateSet) {
		return new JobSpec(file, checksum, name, source, filters, role, kind, templateSet, templates, tokenTtl,
				chunkSize, linkBaseUrl, from, organisation, resend, throttle, linkTokenParameter, description,
				notifications, operations, dkim);
	}

	/** Directory that relative paths in the spec are resolved against. */
	public Path baseDirectory() {
		Path parent = file.toAbsolutePath().getParent();
		return parent != null ? parent : Path.of(".").toAbsolutePath();
	}

	/**
	 * Where people come from: a CSV file, the members of a group, or people chosen in the
	 * console.
	 *
	 * @param csv the CSV file, resolved against the spec's directory, or {@code null}
	 * @param group the group name, or {@code null}
	 * @param members which members of the group
	 * @param selection the number of a stored selection of people, or {@code null}
	 */
	public record SourceSpec(@Nullable Path csv, @Nullable String group, Members members, @Nullable Long selection) {

		public boolean isCsv() {
			return csv != null;
		}

		public boolean isSelection() {
			return selection != null;
		}

		/**
		 * In a few words: {@code CSV people.csv}, {@code group volunteers},
		 * {@code selection 17}.
		 */
		public String describe() {
			return csv != null ? "CSV " + csv.getFileName()
					: selection != null ? "selection " + selection : "group " + group;
		}

	}

	/** Which members of a group a group source reads. */
	public enum Members {

		ALL, ADMINS

	}

	/**
	 * Who is kept; a person left out is reported as skipped with the reason.
	 *
	 * @param activeEmail keep only people whose email is active
	 * @param neverLoggedIn for invitations, keep only people who never logged in
	 */
	public record Filters(boolean activeEmail, boolean neverLoggedIn) {
	}

}
