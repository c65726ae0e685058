package org.invitations.job;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Refreshes PostgreSQL's planner statistics while a bulk select step grows the tables. A
 * run can grow them tenfold before autovacuum looks, and delivery, which runs beside
 * selection from its first chunk, would lose its index plans meanwhile; so ANALYZE runs
 * after a written chunk (in its transaction) each time the step's item count doubles
 * (from 1,024 on): ten times for a million items, a fraction of a second each. Not a step
 * between select and deliver: the two run side by side, and the statistics are needed
 * while selection is still under way.
 */
class PlannerStatistics implements ChunkListener<Object, Object> {

	private static final long FIRST = 1024;

	private final JdbcTemplate jdbc;

	private final AtomicLong items = new AtomicLong();

	PlannerStatistics(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	@Override
	public void afterChunk(Chunk<Object> chunk) {
		long before = items.getAndAdd(chunk.size());
		long after = before + chunk.size();
		if (after >= FIRST && Long.highestOneBit(before) < Long.highestOneBit(after)) {
			// The chunk's transaction is open here: SET LOCAL ends with it. The planner
			// needs the tables' sizes, which
			// a sample of 3,000 rows estimates as well as the default 30,000 does, at a
			// tenth of the cost; the full
			// statistics are autovacuum's afterwards.
			jdbc.execute("SET LOCAL default_statistics_target = 10");
			jdbc.execute("ANALYZE invitation, job_report_item, person");
		}
	}

}
