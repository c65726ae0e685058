package org.invitations.invitation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import org.invitations.events.EventKind;
import org.invitations.events.InvitationEvents;
import org.invitations.run.BatchMetadata;

/**
 * Closing invitations: cancelled by an admin or with their abandoned run, expired when
 * their link is past its time, and their token hashes forgotten long after. A closed
 * invitation's link never opens again.
 */
final class Closing {

	/**
	 * Open, in the two parts the indexes of a run's invitations hold them (V26): sent or
	 * deferred, queued or sending. A plain list of the four reads every invitation of the
	 * run.
	 */
	private static final String OPEN_BY_ITS_INDEXES = "IN ('SENT', 'DEFERRED') OR i.status IN ('QUEUED', 'SENDING')";

	private final JdbcTemplate jdbc;

	private final History history;

	private final ReportRows reports;

	private final ClaimRecovery recovery;

	private final InvitationEvents events;

	Closing(JdbcTemplate jdbc, History history, ReportRows reports, ClaimRecovery recovery, InvitationEvents events) {
		this.jdbc = jdbc;
		this.history = history;
		this.reports = reports;
		this.recovery = recovery;
		this.events = events;
	}

	/**
	 * Cancels the open invitations of one id, or of a job execution's run; their links
	 * stop working at once.
	 * @return the invitations cancelled
	 */
	List<Long> cancel(Long invitationId, Long execution, String actor, String reason) {
		String which = invitationId != null ? "i.id = ?"
				: "i.job_instance_id = " + BatchMetadata.instanceOfExecution("?");
		List<Long> ids = jdbc.queryForList("""
				WITH target AS (
				    SELECT i.id, i.token_hash FROM invitation i WHERE %s AND (i.status %s) AND %s FOR UPDATE),
				retired AS (
				    INSERT INTO retired_token (token_hash, invitation_id, reason)
				    SELECT token_hash, id, 'CANCELLED' FROM target WHERE token_hash IS NOT NULL ON CONFLICT DO NOTHING)
				UPDATE invitation i SET status = 'CANCELLED', token_hash = NULL, closed_at = now()
				FROM target WHERE i.id = target.id RETURNING i.id
				""".formatted(which, invitationId != null ? "IN " + Queueing.OPEN : OPEN_BY_ITS_INDEXES,
				// Expired is not open, though not rewritten yet (V44).
				InvitationStatus.notExpiredSql("i")), Long.class, invitationId != null ? invitationId : execution);
		history.add(ids, EventType.CANCELLED, actor, reason);
		events.record(jdbc, EventKind.CANCELLED, ids, actor);
		return ids;
	}

	/**
	 * Releases the people an abandoned run had queued. Its claims are ended first as a
	 * restart would end them: whom the server accepted stays SENT, whom it refused
	 * FAILED. Those whose message may have been on its way (SENDING for a dead execution)
	 * may have received it: their links are revoked and they are reported FAILED
	 * IN_DOUBT_CANCELLED, never as not sent. The rest, never handed to the server, are
	 * reported SKIPPED RUN_ABANDONED.
	 */
	int abandon(long instanceId, String actor) {
		recovery.abandon(instanceId, actor);
		// Links a dead execution may have sent are revoked with the invitations they were
		// for.
		Long[] inDoubt = jdbc.queryForList("""
				WITH revoked AS (
				    INSERT INTO retired_token (token_hash, invitation_id, reason)
				    SELECT token_hash, id, 'CANCELLED' FROM invitation
				    WHERE delivery_instance_id = ? AND status = 'SENDING' AND token_hash IS NOT NULL
				    ON CONFLICT DO NOTHING)
				SELECT id FROM invitation WHERE delivery_instance_id = ? AND status = 'SENDING'
				""", Long.class, instanceId, instanceId).toArray(Long[]::new);
		List<Long> ids = jdbc.queryForList("""
				UPDATE invitation SET status = 'CANCELLED', token_hash = NULL, closed_at = now()
				WHERE delivery_instance_id = ? AND status IN ('QUEUED', 'SENDING') RETURNING id
				""", Long.class, instanceId);
		jdbc.update(
				"""
						INSERT INTO invitation_event (invitation_id, type, actor, detail)
						SELECT id, 'CANCELLED', ?, CASE WHEN id = ANY(?) THEN 'run abandoned while its message may have been on its way;'
						       || ' its link is revoked' ELSE 'run abandoned before sending' END
						FROM unnest(?::bigint[]) AS t(id)
						""",
				actor, inDoubt, ids.toArray(Long[]::new));
		events.record(jdbc, EventKind.CANCELLED, ids, actor);
		reports.abandon(instanceId, inDoubt);
		return ids.size();
	}

	/**
	 * The sent invitations past their expiry that the expiry job has not recorded yet,
	 * oldest expiry first, after the mark of how far it has gone (V44); the query that
	 * follows reads {@code due(id, spec_name, expires_at)}. The mark is read once, before
	 * the scan, so that the scan is a range of the index by expiry read in its order,
	 * stopping at the limit; joined to the scan, it made PostgreSQL read every invitation
	 * due and sort them, for each batch.
	 */
	private static final String DUE = """
			WITH due AS (
			    SELECT i.id, i.spec_name, i.expires_at FROM invitation i
			    WHERE i.status = 'SENT' AND i.expires_at <= now()
			      AND (i.expires_at, i.id) > (coalesce((SELECT expired_through FROM expiry_mark), '-infinity'),
			                                  coalesce((SELECT last_id FROM expiry_mark), 0))
			    ORDER BY i.expires_at, i.id LIMIT ?)
			""";

	/**
	 * Records up to {@code limit} of the oldest expired invitations not recorded yet: the
	 * event of each; the rows themselves stay as they are, read as EXPIRED from that time
	 * on (V44), their history entries too (V52). One recorder at a time: the mark row is
	 * locked until the caller's transaction ends.
	 * @return how many, by spec
	 */
	Map<String, Long> expireDue(int limit, String actor) {
		jdbc.update(
				"INSERT INTO expiry_mark (expired_through, last_id) VALUES ('-infinity', 0) ON CONFLICT DO NOTHING");
		jdbc.queryForList("SELECT 1 FROM expiry_mark FOR UPDATE");
		// Their history entries are read from the rows (V52): the job sends the events
		// and moves the mark.
		String record = DUE + """
				, moved AS (
				    UPDATE expiry_mark SET expired_through = last.expires_at, last_id = last.id, recorded_at = now()
				    FROM (SELECT expires_at, id FROM due ORDER BY expires_at DESC, id DESC LIMIT 1) last)
				""";
		Map<String, Long> bySpec = new HashMap<>();
		if (events.on(EventKind.EXPIRED)) {
			// The batch's ids, for its events in one more statement.
			List<Long> ids = new ArrayList<>();
			jdbc.query(record + "SELECT id, spec_name FROM due", (RowCallbackHandler) rs -> {
				ids.add(rs.getLong(1));
				bySpec.merge(rs.getString(2), 1L, Long::sum);
			}, limit);
			events.record(jdbc, EventKind.EXPIRED, ids, actor);
			return bySpec;
		}
		jdbc.query(record + "SELECT spec_name, count(*) FROM due GROUP BY spec_name",
				(RowCallbackHandler) rs -> bySpec.put(rs.getString(1), rs.getLong(2)), limit);
		return bySpec;
	}

	/**
	 * How many sent invitations are past their expiry and not recorded by the expiry job
	 * yet, by spec: what {@link #expireDue} would record.
	 */
	Map<String, Long> countDue() {
		Map<String, Long> bySpec = new java.util.TreeMap<>();
		jdbc.query(DUE.replace("LIMIT ?", "") + "SELECT spec_name, count(*) FROM due GROUP BY spec_name",
				(RowCallbackHandler) rs -> bySpec.put(rs.getString(1), rs.getLong(2)));
		return bySpec;
	}

	/**
	 * Forgets up to {@code limit} token hashes of invitations closed (or expired) longer
	 * than {@code ageSeconds} ago (with the links kept from their interrupted attempts),
	 * and as many retired hashes of the same age. Without the hash an old link is simply
	 * unknown.
	 */
	InvitationStore.Purged purge(double ageSeconds, int limit) {
		// A sent invitation keeps its hash (a check of the schema): one long past its
		// expiry, once the expiry job has recorded it, is stored as EXPIRED, closed when
		// it expired, as its hash goes: the one rewrite an expired invitation gets (V44).
		int stored = jdbc.update(
				"""
						UPDATE invitation SET status = 'EXPIRED', closed_at = expires_at, token_hash = NULL WHERE id IN (
						    SELECT id FROM invitation WHERE status = 'SENT' AND expires_at < now() - make_interval(secs => ?)
						    AND (expires_at, id) <= (SELECT expired_through, last_id FROM expiry_mark) LIMIT ? FOR UPDATE SKIP LOCKED)
						""",
				ageSeconds, limit);
		int purged = stored + jdbc.update("""
				UPDATE invitation SET token_hash = NULL WHERE id IN (
				    SELECT id FROM invitation WHERE token_hash IS NOT NULL AND closed_at IS NOT NULL
				    AND closed_at < now() - make_interval(secs => ?) LIMIT ? FOR UPDATE SKIP LOCKED)
				""", ageSeconds, limit);
		int retired = jdbc.update("""
				DELETE FROM retired_token WHERE token_hash IN (
				    SELECT token_hash FROM retired_token WHERE retired_at < now() - make_interval(secs => ?) LIMIT ?)
				""", ageSeconds, limit);
		// The links kept from interrupted attempts go with the invitation's own.
		int earlier = jdbc.update("""
				DELETE FROM earlier_token WHERE token_hash IN (
				    SELECT e.token_hash FROM earlier_token e JOIN invitation i ON i.id = e.invitation_id
				    WHERE i.closed_at < now() - make_interval(secs => ?) LIMIT ?)
				""", ageSeconds, limit);
		return new InvitationStore.Purged(purged, retired, earlier);
	}

}
