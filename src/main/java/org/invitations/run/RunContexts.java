package org.invitations.run;

import java.nio.file.Path;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;

import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * Builds the {@link RunContext} of a job execution, re-reading its spec and refusing one
 * changed since it started.
 */
public final class RunContexts {

	private RunContexts() {
	}

	public static RunContext of(JobExecution execution, SpecLoader loader) {
		JobParameters parameters = execution.getJobParameters();
		JobSpec spec = loader.load(Path.of(parameters.getString(JobParameterNames.SPEC_PATH)));
		if (!spec.checksum().equals(parameters.getString(JobParameterNames.SPEC_CHECKSUM))) {
			throw new SpecException(spec.file(), null,
					"changed since this run started; restore it to restart the run, or start a new run");
		}
		String source = parameters.getString(JobParameterNames.SOURCE_CHECKSUM);
		String kind = source.startsWith("resend:") ? "RESEND"
				: spec.source().isCsv() ? "CSV" : spec.source().isSelection() ? "SELECTION" : "GROUP";
		String sourceRef = kind.equals("CSV") ? spec.source().csv().getFileName() + " sha256:" + source : source;
		return new RunContext(spec, execution.getJobInstance().getInstanceId(), execution.getId(),
				Boolean.parseBoolean(parameters.getString(JobParameterNames.DRY_RUN)), kind, sourceRef);
	}

}
