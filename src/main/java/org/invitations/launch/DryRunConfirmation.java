package org.invitations.launch;

import java.nio.file.Path;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import org.invitations.run.JobParameterNames;
import org.invitations.report.ReportQueries;
import org.invitations.resend.ResendFilter;
import org.invitations.resend.ResendReaders;
import org.invitations.source.CsvFiles;
import org.invitations.source.GroupMemberReaders;
import org.invitations.source.SelectionMemberReaders;
import org.invitations.source.ImportLimits;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;
import org.invitations.spec.SpecLoader;

/**
 * The second step of a launch from the console or the API: "Send N invitations" after a
 * dry run that would send N. It is refused unless the selection is still the one the dry
 * run saw: same spec, same input, no run of the spec since, and N the dry run's own
 * number.
 */
@Service
public class DryRunConfirmation {

	private final ReportQueries reports;

	private final RunHistory history;

	private final JdbcTemplate jdbc;

	private final ImportLimits importLimits;

	public DryRunConfirmation(ReportQueries reports, RunHistory history, JdbcTemplate jdbc, ImportLimits importLimits) {
		this.reports = reports;
		this.history = history;
		this.jdbc = jdbc;
		this.importLimits = importLimits;
	}

	/**
	 * What the confirmed run is.
	 *
	 * @param filter the resend filter, or {@code null} for a run of the spec's source
	 * @param count the dry run's number of invitations it would send
	 */
	public record Confirmed(JobSpec spec, ResendFilter filter, long count) {
	}

	/**
	 * The dry run's number of invitations it would send, or -1 when it is no finished dry
	 * run.
	 */
	public long wouldSend(long dryRunExecution) {
		ReportQueries.Execution execution = reports.execution(dryRunExecution);
		if (execution == null || !execution.dryRun() || !"COMPLETED".equals(execution.status())) {
			return -1;
		}
		return reports.summary(execution.instanceId())
			.stream()
			.filter(c -> c.outcome().equals("WOULD_SEND"))
			.mapToLong(ReportQueries.OutcomeCount::count)
			.sum();
	}

	/**
	 * @throws SpecException when the spec can no longer be read
	 * @throws IllegalStateException when the selection changed since the dry run: run the
	 * dry run again
	 */
	public Confirmed check(long dryRunExecution, long confirmed) {
		ReportQueries.Execution dryRun = reports.execution(dryRunExecution);
		long count = wouldSend(dryRunExecution);
		if (dryRun == null || count < 0) {
			throw new IllegalStateException("execution " + dryRunExecution + " is no completed dry run");
		}
		if (count != confirmed) {
			throw new IllegalStateException("the dry run would send " + count + ", not " + confirmed);
		}
		JobSpec spec = new SpecLoader().load(Path.of(dryRun.parameters().get(JobParameterNames.SPEC_PATH)));
		String source = dryRun.parameters().get(JobParameterNames.SOURCE_CHECKSUM);
		if (!spec.checksum().equals(dryRun.parameters().get(JobParameterNames.SPEC_CHECKSUM))) {
			throw changed("the spec changed since the dry run");
		}
		for (boolean dry : new boolean[] { true, false }) {
			RunHistory.LastExecution last = history.last(spec.name(), dry);
			if (last != null && last.executionId() > dryRunExecution) {
				throw changed("'" + spec.name() + "' ran since the dry run (execution " + last.executionId() + ")");
			}
		}
		long items = Long.parseLong(dryRun.parameters().getOrDefault(JobParameterNames.SOURCE_ITEMS, "-1"));
		if (source.startsWith("resend:")) {
			ResendFilter filter = ResendFilter.parse(source);
			if (ResendReaders.count(jdbc.getDataSource(), spec.name(), filter) != items) {
				throw changed("the invitations to resend changed since the dry run");
			}
			return new Confirmed(spec, filter, count);
		}
		if (spec.source().isSelection()) {
			GroupMemberReaders.Members stored = SelectionMemberReaders.stored(jdbc, spec.source().selection());
			if (stored == null || !SelectionMemberReaders.describe(spec.source().selection()).equals(source)
					|| !stored.digest().equals(dryRun.parameters().get(JobParameterNames.SOURCE_DIGEST))) {
				throw changed("the selection changed since the dry run");
			}
		}
		else if (spec.source().isCsv()) {
			if (!CsvFiles.inspect(spec.source().csv(), importLimits).checksum().equals(source)) {
				throw changed("the input file changed since the dry run");
			}
		}
		else if (!GroupMemberReaders.describe(spec.source()).equals(source) || !groupMembers(spec)
			.equals(new GroupMemberReaders.Members(items, dryRun.parameters().get(JobParameterNames.SOURCE_DIGEST)))) {
			throw changed("the group's members changed since the dry run");
		}
		return new Confirmed(spec, null, count);
	}

	private GroupMemberReaders.Members groupMembers(JobSpec spec) {
		List<Long> group = jdbc.queryForList("SELECT id FROM person_group WHERE name = ?", Long.class,
				spec.source().group());
		if (group.isEmpty()) {
			throw changed("the group '" + spec.source().group() + "' is gone");
		}
		return GroupMemberReaders.members(jdbc, group.get(0), spec.source().members());
	}

	private static IllegalStateException changed(String why) {
		return new IllegalStateException(why + ": run the dry run again");
	}

}
