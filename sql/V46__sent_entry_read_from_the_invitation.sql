-- A message accepted by the server left a SENT history entry per invitation: its time, the run's execution and the
-- server's reply, all three also written into the invitation by the same statement (sent_at, job_execution_id,
-- last_smtp_reply). That entry was half of the history table's rows (about 125 bytes per invitation with its index
-- entry) and one more insert per message on the delivery path. As the QUEUED entry since V35, it is now read from
-- the invitation, for a send that is the invitation's only one, by the run that queued it, with nothing to add:
--   * a send that is also written as an entry (in doubt, by a restart's execution, after a resend, or any send
--     recorded before this version) is read from that entry, never from the row as well;
--   * a resend writes the entry of the send it supersedes before the row forgets it (Queueing.requeue);
--   * an invitation whose entries the expiry job deleted (purge-history-after, V43) shows none of them, as before
--     (its closing time as InvitationStatus.closedAtSql reads it).
-- A UNION ALL branch with a join or a WHERE clause is not flattened into the query around it (see V36): a lookup of
-- one person's history then read every invitation (1 s at 220,000 invitations) instead of going by key. So the
-- branch has neither: a send the row does not tell has no time, and the view leaves out entries without one.
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
    SELECT invitation_id, id, at, type, actor, detail FROM invitation_event) AS entries
WHERE at IS NOT NULL;
