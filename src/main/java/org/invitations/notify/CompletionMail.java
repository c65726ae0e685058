package org.invitations.notify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.springframework.core.io.ByteArrayResource;
import org.springframework.mail.javamail.MimeMessageHelper;

import org.invitations.report.ReportFormat;
import org.invitations.report.ReportHeadline;
import org.invitations.report.ReportOptions;
import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.report.ReportRenderer;
import org.invitations.report.RunSummary;

/**
 * The email that tells an admin a run ended: totals, top problem reasons, what to do
 * next, the HTML report.
 */
final class CompletionMail {

	private static final int TOP_REASONS = 5;

	private CompletionMail() {
	}

	static MimeMessage build(Session session, String from, List<String> to, RunSummary summary, RunOutcome outcome,
			ReportRenderer renderer, long attachLimit) throws MessagingException {
		MimeMessage message = new MimeMessage(session);
		MimeMessageHelper mail = new MimeMessageHelper(message, true, "UTF-8");
		mail.setFrom(new InternetAddress(from));
		mail.setTo(to.toArray(String[]::new));
		mail.setSubject(subject(summary, outcome));
		long id = summary.execution().id();
		String fileName = "report-" + id + ".html";
		byte[] html = render(summary, renderer, attachLimit);
		StringBuilder text = new StringBuilder(body(summary, outcome));
		String command = "invitations report " + id + " --format html --out " + fileName;
		if (html != null) {
			text.append("\nThe full report is attached (")
				.append(fileName)
				.append("). To make it again:\n  ")
				.append(command)
				.append('\n');
			mail.setText(text.toString());
			mail.addAttachment(fileName, new ByteArrayResource(html), "text/html; charset=UTF-8");
		}
		else {
			text.append("\nThe full report is larger than ")
				.append(attachLimit >> 10)
				.append(" KB, so it is not attached. Make it on the machine that ran the job with:\n  ")
				.append(command)
				.append('\n');
			mail.setText(text.toString());
		}
		message.saveChanges();
		return message;
	}

	static String subject(RunSummary summary, RunOutcome outcome) {
		String name = summary.isExpiry() ? "Expiry '" + summary.specName() + "'"
				: "Run " + summary.execution().run() + " of '" + summary.specName() + "'";
		String counts = summary.isExpiry() ? summary.rowsRead() + " expired"
				: (summary.execution().dryRun() ? summary.count("WOULD_SEND") + " would be sent"
						: summary.count("SENT") + " sent") + ", " + summary.problems() + " to look at";
		return "[invitations] " + name + (summary.execution().dryRun() ? " (dry run)" : "") + " "
				+ outcome.name().toLowerCase(Locale.ROOT) + ": " + counts;
	}

	static String body(RunSummary summary, RunOutcome outcome) {
		StringBuilder text = new StringBuilder();
		text.append(ReportHeadline.of(summary)).append('\n');
		switch (outcome) {
			case FAILED -> text.append("The run failed; run the same spec again to restart it.\n");
			case STOPPED -> text.append("The run was stopped on request; run the same spec again to continue.\n");
			case PAUSED -> text.append("Sending must wait: the mail server refused the sender (a quota, a rate or a"
					+ " policy) or the daily limit is used up; the rest stays queued: run the same spec again later to go on.\n");
			case COMPLETED -> {
			}
		}
		String exit = summary.execution().exitMessage();
		if (outcome != RunOutcome.COMPLETED && exit != null && !exit.isBlank()) {
			text.append("  ").append(exit.lines().findFirst().orElse("")).append('\n');
		}
		text.append('\n');
		for (OutcomeCount count : summary.outcomes()) {
			text.append(String.format(Locale.ROOT, "  %-11s %8d%n", count.outcome(), count.count()));
		}
		text.append(String.format(Locale.ROOT, "  %-11s %8d%n", "TOTAL", summary.total()));
		text.append(summary.invariantHolds() ? "" : "WARNING: THE TOTALS DO NOT ADD UP\n")
			.append(summary.invariant())
			.append('\n');
		List<Map.Entry<String, Long>> reasons = summary.outcomes()
			.stream()
			.filter(o -> !o.outcome().equals("SENT") && !o.outcome().equals("WOULD_SEND"))
			.flatMap(o -> o.reasons()
				.entrySet()
				.stream()
				.map(r -> Map.entry(o.outcome() + " " + r.getKey(), r.getValue())))
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
			.limit(TOP_REASONS)
			.toList();
		if (!reasons.isEmpty()) {
			text.append("\nTop problem reasons:\n");
			reasons.forEach(r -> text.append(String.format(Locale.ROOT, "  %-40s %8d%n", r.getKey(), r.getValue())));
		}
		if (!summary.nextSteps().isEmpty()) {
			text.append("\nWhat to do next:\n");
			summary.nextSteps()
				.forEach(step -> text.append("- ")
					.append(step.outcome())
					.append(step.reason() == null ? "" : " " + step.reason())
					.append(" (")
					.append(step.count())
					.append("): ")
					.append(step.advice())
					.append('\n'));
		}
		return text.toString();
	}

	/** The HTML report, or {@code null} once it grows past the limit. */
	private static byte @Nullable [] render(RunSummary summary, ReportRenderer renderer, long limit) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (Writer writer = new OutputStreamWriter(new Limited(bytes, limit), StandardCharsets.UTF_8)) {
			renderer.write(summary, ReportFormat.HTML, ReportOptions.defaults(), writer);
		}
		catch (IOException ex) {
			return null;
		}
		catch (RuntimeException ex) {
			if (ex.getCause() instanceof TooLarge || findTooLarge(ex)) {
				return null;
			}
			throw ex;
		}
		return bytes.toByteArray();
	}

	private static boolean findTooLarge(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof TooLarge) {
				return true;
			}
		}
		return false;
	}

	private static final class TooLarge extends IOException {

		TooLarge() {
			super("larger than the attachment limit");
		}

	}

	/**
	 * Stops the rendering as soon as the report outgrows the limit, instead of building
	 * it in memory.
	 */
	private static final class Limited extends OutputStream {

		private final OutputStream out;

		private long left;

		Limited(OutputStream out, long limit) {
			this.out = out;
			this.left = limit;
		}

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			left -= len;
			if (left < 0) {
				throw new TooLarge();
			}
			out.write(b, off, len);
		}

	}

}
