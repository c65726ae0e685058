-- Since V44 an invitation is expired from the moment its link's time passes, and the expiry job wrote each one's
-- EXPIRED history entry afterwards: at the time it expired, "link expired unused", about 140 bytes with its index
-- entry and one insert per invitation for the job. The row says all of it but who recorded it. The history now reads
-- the entry from the row, as it reads the QUEUED, SENT and ACCEPTED ones (V35, V46, V50), from the moment the link
-- expired, as every other reader does; the job sends the events and moves its mark as before.
--   * an entry written before this version, or by a send's own expiry recorded since (at or after that send), is
--     read from the table, never from the row as well;
--   * a resend or a hard bounce of an expired invitation writes the entry before the row forgets that it expired
--     (Queueing.requeue, Bouncing);
--   * an invitation whose entries the expiry job deleted (purge-history-after, V43) shows none of them, as before.
-- Like the other branches, this one has no WHERE clause (see V46): a row that tells no expiry has no time.
CREATE OR REPLACE VIEW invitation_history AS
SELECT invitation_id, id, at, type, actor, detail FROM (
    SELECT i.id AS invitation_id, 0::bigint AS id, i.created_at AS at, 'QUEUED'::text AS type,
           'job:' || i.spec_name || '#' || i.job_execution_id AS actor,
           'role ' || (SELECT r.name FROM role r WHERE r.id = i.role_id) AS detail
    FROM invitation i
    UNION ALL
    SELECT i.id, 0::bigint,
           CASE WHEN i.sent_at IS NOT NULL AND i.resent_at IS NULL
                 AND (SELECT count(*) FROM invitation_event e WHERE e.invitation_id = i.id AND e.type = 'SENT') = 0
                 AND coalesce(coalesce(i.closed_at, CASE WHEN i.status = 'SENT' AND i.expires_at <= now() THEN i.expires_at END)
                              >= (SELECT h.closed_before FROM invitation_history_purge h), true)
                THEN i.sent_at END,
           'SENT'::text, 'job:' || i.spec_name || '#' || i.job_execution_id, i.last_smtp_reply
    FROM invitation i
    UNION ALL
    SELECT i.id, 0::bigint,
           CASE WHEN i.accepted_by IS NOT NULL
                 AND coalesce(i.closed_at >= (SELECT h.closed_before FROM invitation_history_purge h), true)
                THEN i.accepted_at END,
           'ACCEPTED'::text, i.accepted_by, 'token redeemed'::text
    FROM invitation i
    UNION ALL
    SELECT i.id, 0::bigint,
           CASE WHEN (i.status = 'SENT' AND i.expires_at <= now() OR i.status = 'EXPIRED')
                 AND (SELECT count(*) FROM invitation_event e
                      WHERE e.invitation_id = i.id AND e.type = 'EXPIRED' AND e.at >= i.sent_at) = 0
                 AND coalesce(coalesce(i.closed_at, i.expires_at) >= (SELECT h.closed_before FROM invitation_history_purge h),
                              true)
                THEN i.expires_at END,
           'EXPIRED'::text, 'expiry'::text, 'link expired unused'::text
    FROM invitation i
    UNION ALL
    SELECT invitation_id, id, at, type, actor, detail FROM invitation_event) AS entries
WHERE at IS NOT NULL;
