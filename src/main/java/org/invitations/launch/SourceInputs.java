package org.invitations.launch;

import org.jspecify.annotations.Nullable;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.resend.ResendFilter;
import org.invitations.resend.ResendReaders;
import org.invitations.source.CsvFiles;
import org.invitations.source.GroupMemberReaders;
import org.invitations.source.ImportLimits;
import org.invitations.source.SelectionMemberReaders;
import org.invitations.spec.JobSpec;
import org.invitations.spec.SpecException;

/**
 * What a run of a spec reads, checked before anything is written: the CSV file (its
 * SHA-256 and rows, within the import limits), the group's or the selection's members
 * (their number and the digest of their ids), or a resend's filter and its matches.
 */
final class SourceInputs {

	private static final Logger log = LoggerFactory.getLogger(SourceInputs.class);

	private final JdbcTemplate jdbc;

	private final ImportLimits importLimits;

	SourceInputs(JdbcTemplate jdbc, ImportLimits importLimits) {
		this.jdbc = jdbc;
		this.importLimits = importLimits;
	}

	/**
	 * What a run reads.
	 *
	 * @param checksum the identifying source: the file's SHA-256, the group and its
	 * selection, the resend's filter
	 * @param items how many items it holds
	 * @param digest for a group or a selection, the SHA-256 of its members' ids, so that
	 * a restart or a confirmed send can tell the same members from new ones; {@code null}
	 * otherwise
	 */
	record Input(String checksum, long items, @Nullable String digest) {
	}

	/**
	 * @throws SpecException when the file, group or selection cannot be used
	 */
	Input of(JobSpec spec) {
		if (spec.source().isSelection()) {
			long selection = spec.source().selection();
			GroupMemberReaders.Members members = SelectionMemberReaders.stored(jdbc, selection);
			if (members == null) {
				throw new SpecException(spec.file(), "key 'source.selection'", "no selection " + selection);
			}
			return new Input(SelectionMemberReaders.describe(selection), members.count(), members.digest());
		}
		if (spec.source().isCsv()) {
			CsvFiles.Inspection inspection = CsvFiles.inspect(spec.source().csv(), importLimits);
			if (!inspection.columns().ignored().isEmpty()) {
				log.warn("{}: ignoring unknown columns {}", spec.source().csv(), inspection.columns().ignored());
			}
			return new Input(inspection.checksum(), inspection.rows(), null);
		}
		Long groupId = jdbc.query("SELECT id FROM person_group WHERE name = ?", rs -> rs.next() ? rs.getLong(1) : null,
				spec.source().group());
		if (groupId == null) {
			throw new SpecException(spec.file(), "key 'source.group'",
					"no group named '" + spec.source().group() + "'");
		}
		GroupMemberReaders.Members members = GroupMemberReaders.members(jdbc, groupId, spec.source().members());
		return new Input(GroupMemberReaders.describe(spec.source()), members.count(), members.digest());
	}

	Input resend(JobSpec spec, ResendFilter filter) {
		return new Input(filter.describe(), ResendReaders.count(jdbc.getDataSource(), spec.name(), filter), null);
	}

	/** What changed, in words, when a run's input is not what it started with. */
	static String changed(JobSpec spec, String source) {
		return source.startsWith("resend:") ? "the invitations to resend changed"
				: spec.source().isCsv() ? "the input file " + spec.source().csv().getFileName() + " changed"
						: spec.source().isSelection() ? "the selection changed"
								: "the members of group '" + spec.source().group() + "' changed";
	}

}
