package org.invitations.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.invitations.report.ReportQueries.Execution;
import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.report.RunRecords.Notification;

/**
 * Everything a report says about a run before its rows: what ran, from what, who launched
 * it, how long it took, the totals by outcome and reason, whether they add up, and what
 * to do next.
 *
 * @param execution the execution asked for
 * @param kind invitation, resend or expiry
 * @param specFile the spec's path as launched, or {@code null}
 * @param description the spec's description, or {@code null}
 * @param provenance where the rows came from
 * @param launchedBy {@code user@host}, or {@code null} when not recorded
 * @param rowsRead rows the run read and committed (expiry: invitations expired)
 * @param itemsThisExecution rows this execution read, for its throughput
 * @param outcomes totals by outcome, each with its reasons, in a fixed order
 * @param nextSteps what to do about each problem reason
 * @param notifications notifications sent when this execution ended
 * @param purged that the run's per-person rows were purged, or {@code null} when they are
 * kept
 */
public record RunSummary(Execution execution, String kind, String specFile, String description, Provenance provenance,
		String launchedBy, long rowsRead, long itemsThisExecution, List<OutcomeCount> outcomes,
		List<NextStep> nextSteps, List<Notification> notifications, @Nullable RowsPurged purged) {

	/** The outcomes, in the order of the invariant. */
	public static final List<String> INVARIANT_OUTCOMES = List.of("SENT", "WOULD_SEND", "SKIPPED", "REJECTED", "FAILED",
			"DEFERRED", "QUEUED");

	/**
	 * Where a run's rows came from.
	 *
	 * @param type csv, group, resend or expiry
	 * @param file the CSV file, or {@code null}
	 * @param sha256 the CSV file's SHA-256, or {@code null}
	 * @param selection the group and member selection, or the resend filter, or
	 * {@code null}
	 */
	public record Provenance(String type, String file, String sha256, String selection) {
	}

	/** One problem reason with its count and what to do. */
	public record NextStep(String outcome, String reason, long count, String advice) {
	}

	public String specName() {
		return execution.specName();
	}

	public Map<String, String> parameters() {
		return execution.parameters();
	}

	/** Report rows of the run, all outcomes. */
	public long total() {
		return outcomes.stream().mapToLong(OutcomeCount::count).sum();
	}

	public long count(String outcome) {
		return outcomes.stream().filter(o -> o.outcome().equals(outcome)).mapToLong(OutcomeCount::count).sum();
	}

	/** Rows that need a look: everything but sent and would-send. */
	public long problems() {
		return total() - count("SENT") - count("WOULD_SEND");
	}

	public boolean isExpiry() {
		return kind.equals("expiry");
	}

	/** Every row read has exactly one outcome. */
	public boolean invariantHolds() {
		return isExpiry() || rowsRead == total();
	}

	/**
	 * The invariant with this run's numbers, e.g.
	 * {@code rows read 36 = sent 26 + would-send 0 + …}.
	 */
	public String invariant() {
		if (isExpiry()) {
			return "expiry runs have no input rows: " + rowsRead + " invitations expired";
		}
		StringBuilder text = new StringBuilder("rows read ").append(rowsRead).append(" = ");
		for (int i = 0; i < INVARIANT_OUTCOMES.size(); i++) {
			String outcome = INVARIANT_OUTCOMES.get(i);
			text.append(i == 0 ? "" : " + ")
				.append(outcome.toLowerCase().replace('_', '-'))
				.append(' ')
				.append(count(outcome));
		}
		return text.append(invariantHolds() ? ": holds" : ": DOES NOT HOLD (" + total() + " rows reported)").toString();
	}

	public Duration duration() {
		Instant start = execution.start();
		Instant end = execution.end() != null ? execution.end() : null;
		return start == null || end == null ? null : Duration.between(start, end);
	}

	/** Rows per second of this execution, or 0 when it has not ended or took no time. */
	public double throughput() {
		Duration took = duration();
		return took == null || took.isZero() ? 0 : itemsThisExecution * 1000.0 / took.toMillis();
	}

	public boolean notificationFailed() {
		return notifications.stream().anyMatch(Notification::failed);
	}

}
