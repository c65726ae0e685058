package org.invitations.delivery;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ItemReader;
import org.springframework.jdbc.core.JdbcTemplate;

import org.invitations.run.SelectionSignal;
import org.invitations.spec.Kind;
import org.invitations.mail.PendingInvitation;

/**
 * Reads the invitations this run still has to send while the select step is still queuing
 * them: keyset pages by id; when a page comes back empty it waits for the select step's
 * signal, and once selection is over it makes one last pass from the start (a resend can
 * reopen invitations with any id), then further passes for those a temporary refusal put
 * back in the queue, each once the first of them is due, until none waits. Invitations
 * this execution already claimed are never read again (the writer records every chunk on
 * its way before the last pass begins, told so by {@link ChunksOnTheirWay#inputEnded()});
 * SENDING ones of an earlier execution are read, and sent again as in doubt. Whether
 * selection is over is {@link SelectStepProgress}'s to say. A partition reads only its
 * {@link Lane}'s share of the queue.
 */
public class PendingInvitationReader implements ItemReader<PendingInvitation>, StepExecutionListener {

	private final JdbcTemplate jdbc;

	private final SelectionSignal selection;

	private final SelectStepProgress select;

	private final long jobInstanceId;

	/** This partition's share of the queue; its step execution claims. */
	private final Lane lane;

	private final int pageSize;

	private final Deque<PendingInvitation> page = new ArrayDeque<>();

	/**
	 * Ids handed out that may not be written yet (at most a chunk): the last pass must
	 * not read them again.
	 */
	private final java.util.LinkedHashSet<Long> recent = new java.util.LinkedHashSet<>();

	private long lastId;

	/**
	 * Items handed out so far: their count tells how many of them are in the chunk being
	 * read.
	 */
	private long reads;

	private boolean lastPass;

	/** When the reader began waiting for a select step that does not exist yet. */
	private long waitingSince;

	/**
	 * A select step that has not been created after this long never will be: its flow
	 * failed before it.
	 */
	private static final long NO_SELECT_GRACE_NANOS = java.time.Duration.ofSeconds(30).toNanos();

	/**
	 * Told before the last pass and before the reader says it has nothing more: they are
	 * recorded then.
	 */
	private final ChunksOnTheirWay onTheirWay;

	public PendingInvitationReader(JdbcTemplate jdbc, SelectionSignal selection, JobRepository jobRepository,
			long jobInstanceId, Lane lane, int pageSize, ChunksOnTheirWay onTheirWay) {
		this.jdbc = jdbc;
		this.onTheirWay = onTheirWay;
		this.selection = selection;
		this.select = new SelectStepProgress(jobRepository);
		this.jobInstanceId = jobInstanceId;
		this.lane = lane;
		this.pageSize = pageSize;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		select.open(stepExecution);
	}

	@Override
	public PendingInvitation read() throws InterruptedException {
		while (page.isEmpty()) {
			// Asked before reading, so that everything queued before selection ended is
			// in the page.
			long seen = selection.version();
			boolean over = select.isOver() || selectNeverStarted();
			List<PendingInvitation> next = next();
			if (!next.isEmpty()) {
				lastId = next.get(next.size() - 1).id();
				next.stream().filter(item -> !recent.contains(item.id())).forEach(page::add);
			}
			else if (over && lastPass) {
				// A chunk that failed on its way fails the step here, restartably,
				// instead of ending it COMPLETED.
				onTheirWay.inputEnded();
				newPass();
				Long wait = nextDue();
				if (wait == null) {
					return null;
				}
				// Temporary refusals wait in the queue, not on a connection: another pass
				// once the first is due.
				if (wait > 0) {
					Thread.sleep(wait);
				}
			}
			else if (over) {
				// The chunks on their way are QUEUED until recorded: recorded first, they
				// are not read again.
				onTheirWay.inputEnded();
				lastPass = true;
				newPass();
			}
			else {
				selection.await(seen);
			}
		}
		PendingInvitation item = page.poll();
		reads++;
		recent.add(item.id());
		if (recent.size() > pageSize) {
			recent.remove(recent.iterator().next());
		}
		return item;
	}

	/**
	 * Starts a pass from the first id. Everything handed out is recorded by now except
	 * the chunk being read (the step reads chunks of exactly {@code pageSize}): only its
	 * ids are not to be read again. An invitation sent in an earlier chunk may be back in
	 * the queue after a temporary refusal, and is read again once due.
	 */
	private void newPass() {
		lastId = 0;
		long keep = reads % pageSize;
		while (recent.size() > keep) {
			recent.remove(recent.iterator().next());
		}
	}

	/**
	 * How many milliseconds until the first invitation of this run that waits after a
	 * temporary refusal is due, or null if none waits. Measured by the database's clock,
	 * which set the times; its clock_timestamp(), not now(), which stands still for the
	 * chunk's transaction.
	 */
	private Long nextDue() {
		return jdbc.queryForObject("""
				SELECT ceil(extract(epoch FROM min(retry_at) - clock_timestamp()) * 1000)::bigint FROM invitation
				WHERE delivery_instance_id = ? AND status = 'QUEUED' AND retry_at IS NOT NULL AND NOT (id = ANY(?))
				  AND (?::integer = 1 OR id % ? = ?)
				""", Long.class, jobInstanceId, recent.toArray(Long[]::new), lane.count(), lane.count(), lane.index());
	}

	private boolean selectNeverStarted() {
		if (select.started()) {
			waitingSince = 0;
			return false;
		}
		long now = System.nanoTime();
		if (waitingSince == 0) {
			waitingSince = now;
		}
		return now - waitingSince > NO_SELECT_GRACE_NANOS;
	}

	private List<PendingInvitation> next() {
		return jdbc.query("""
				SELECT i.id, i.person_id, i.kind, extract(epoch FROM i.token_ttl)::bigint AS ttl_seconds,
				       coalesce(i.email, i.email_normalized) AS email, p.first_name, p.last_name, r.name AS role
				FROM invitation i JOIN person p ON p.id = i.person_id LEFT JOIN role r ON r.id = i.role_id
				WHERE i.delivery_instance_id = ? AND i.status IN ('QUEUED', 'SENDING') AND i.id > ?
				  AND (i.status = 'QUEUED' OR i.sending_execution_id IS DISTINCT FROM ?)
				  AND (i.retry_at IS NULL OR i.retry_at <= clock_timestamp())
				  AND (?::integer = 1 OR i.id % ? = ?)
				ORDER BY i.id LIMIT ?
				""", (rs, n) -> new PendingInvitation(rs.getLong("id"), rs.getLong("person_id"),
				Kind.valueOf(rs.getString("kind")), Duration.ofSeconds(rs.getLong("ttl_seconds")),
				rs.getString("email"), rs.getString("first_name"), rs.getString("last_name"), rs.getString("role")),
				jobInstanceId, lastId, lane.claimant(), lane.count(), lane.count(), lane.index(), pageSize);
	}

}
