package org.invitations.spec;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A spec of the expiry job ({@code job: expire}): records the invitations that expired
 * since its last run (expired from the moment their time passed).
 *
 * @param file the spec file
 * @param name the job's name
 * @param batchSize invitations changed per statement and transaction
 * @param purgeTokenHashesAfter forget the token hashes of invitations closed longer than
 * this, or {@code null}
 * @param purgeReportRowsAfter delete the per-person report rows of runs that ended longer
 * than this ago (their totals stay), or {@code null} to keep them
 * @param purgeHistoryAfter delete the history entries of invitations closed longer than
 * this ago (the invitation keeps its status and times), or {@code null} to keep them
 * @param notifications who hears about a run when it ends
 * @param remind the reminder sent before expiry, or {@code null}
 * @param schedule when {@code serve} runs the spec, or {@code null}
 */
public record ExpirySpec(Path file, String name, int batchSize, @Nullable Duration purgeTokenHashesAfter,
		@Nullable Duration purgeReportRowsAfter, @Nullable Duration purgeHistoryAfter, Notify notifications,
		@Nullable Remind remind, @Nullable Schedule schedule) {

	public ExpirySpec(Path file, String name, int batchSize, @Nullable Duration purgeTokenHashesAfter) {
		this(file, name, batchSize, purgeTokenHashesAfter, null, null, Notify.NONE, null, null);
	}

}
