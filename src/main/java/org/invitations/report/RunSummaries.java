package org.invitations.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

import org.invitations.run.BatchMetadata;
import org.invitations.run.ExpiryCounts;
import org.invitations.run.JobNames;
import org.invitations.run.JobParameterNames;
import org.invitations.report.ReportQueries.Execution;
import org.invitations.report.ReportQueries.OutcomeCount;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecLoader;

/**
 * Builds the {@link RunSummary} of an execution from the job repository, its report rows
 * and its records.
 */
@Component
public class RunSummaries {

	private final ReportQueries queries;

	private final RunRecords records;

	private final JobRepository jobRepository;

	private final BatchMetadata metadata;

	public RunSummaries(ReportQueries queries, RunRecords records, JobRepository jobRepository,
			BatchMetadata metadata) {
		this.queries = queries;
		this.records = records;
		this.jobRepository = jobRepository;
		this.metadata = metadata;
	}

	/** The summary of an execution, or {@code null} when there is no such execution. */
	public RunSummary of(long executionId) {
		Execution execution = queries.execution(executionId);
		if (execution == null) {
			return null;
		}
		String by = records.launchedBy(executionId);
		if (execution.job().equals(JobNames.EXPIRY)) {
			return expiry(execution, by);
		}
		String specPath = execution.parameters().get(JobParameterNames.SPEC_PATH);
		JobSpec spec = load(specPath);
		String source = execution.parameters().getOrDefault(JobParameterNames.SOURCE_CHECKSUM, "");
		String kind = source.startsWith("resend:") ? "resend" : "invitation";
		RunSummary.Provenance provenance;
		if (source.startsWith("resend:")) {
			provenance = new RunSummary.Provenance("resend", null, null, source.substring("resend:".length()));
		}
		else if (source.startsWith("selection:")) {
			provenance = new RunSummary.Provenance("people", null, null,
					queries.selection(Long.parseLong(source.substring("selection:".length()))));
		}
		else if (source.startsWith("group:")) {
			provenance = new RunSummary.Provenance("group", null, null, source.substring("group:".length()));
		}
		else {
			String file = spec != null && spec.source().isCsv() ? spec.source().csv().getFileName().toString() : null;
			provenance = new RunSummary.Provenance("csv", file, source, null);
		}
		List<OutcomeCount> outcomes = queries.summary(execution.instanceId());
		List<RunSummary.NextStep> next = new ArrayList<>();
		String specArgument = specPath == null ? "SPEC" : relative(specPath);
		for (OutcomeCount outcome : outcomes) {
			Map<String, Long> reasons = outcome.reasons().isEmpty() ? Map.of("", outcome.count()) : outcome.reasons();
			long withReason = outcome.reasons().values().stream().mapToLong(Long::longValue).sum();
			Map<String, Long> all = new LinkedHashMap<>(reasons);
			if (!outcome.reasons().isEmpty() && withReason < outcome.count()) {
				all.put("", outcome.count() - withReason);
			}
			all.forEach((reason, count) -> {
				String advice = NextSteps.advice(outcome.outcome(), reason, executionId);
				if (advice != null) {
					next.add(new RunSummary.NextStep(outcome.outcome(), reason.isEmpty() ? null : reason, count,
							advice.replace("SPEC", specArgument)));
				}
			});
		}
		return new RunSummary(execution, kind, specPath, spec == null ? null : spec.description(), provenance, by,
				queries.rowsRead(execution.instanceId()), readBy(executionId), outcomes, merged(next),
				records.notifications(executionId), queries.purged(execution.instanceId()));
	}

	/**
	 * Reasons of one outcome that call for the same action are one step: "REJECTED
	 * INVALID_EMAIL, MISSING_EMAIL".
	 */
	private static List<RunSummary.NextStep> merged(List<RunSummary.NextStep> steps) {
		Map<String, RunSummary.NextStep> byAdvice = new LinkedHashMap<>();
		for (RunSummary.NextStep step : steps) {
			byAdvice.merge(step.outcome() + "\n" + step.advice(), step,
					(a, b) -> new RunSummary.NextStep(a.outcome(),
							a.reason() == null ? b.reason()
									: b.reason() == null ? a.reason() : a.reason() + ", " + b.reason(),
							a.count() + b.count(), a.advice()));
		}
		return List.copyOf(byAdvice.values());
	}

	private RunSummary expiry(Execution execution, String by) {
		JobExecution job = jobRepository.getJobExecution(execution.id());
		Map<String, Long> bySpec = job == null ? Map.of() : ExpiryCounts.expiredBySpec(job);
		long expired = bySpec.values().stream().mapToLong(Long::longValue).sum();
		List<OutcomeCount> outcomes = new java.util.ArrayList<>();
		if (expired > 0) {
			outcomes.add(new OutcomeCount("EXPIRED", expired, new LinkedHashMap<>(bySpec)));
		}
		// An expiry run's report rows are its reminders, with their outcomes (SENT
		// REMINDER, FAILED ...).
		queries.summary(execution.instanceId()).stream().filter(o -> o.count() > 0).forEach(outcomes::add);
		return new RunSummary(execution, "expiry", execution.parameters().get(JobParameterNames.SPEC_PATH), null,
				new RunSummary.Provenance("expiry", null, null, null), by, expired, expired, outcomes, List.of(),
				records.notifications(execution.id()), queries.purged(execution.instanceId()));
	}

	private long readBy(long executionId) {
		return metadata.readByExecution(executionId, "select");
	}

	/**
	 * The spec as it is now, for its description and file name; {@code null} if it moved
	 * or no longer loads.
	 */
	private static JobSpec load(String path) {
		if (path == null) {
			return null;
		}
		try {
			return new SpecLoader().load(Path.of(path));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** The spec's path as an admin in the working folder would type it. */
	private static String relative(String path) {
		Path spec = Path.of(path);
		Path here = Path.of("").toAbsolutePath();
		return spec.startsWith(here) ? here.relativize(spec).toString() : path;
	}

}
