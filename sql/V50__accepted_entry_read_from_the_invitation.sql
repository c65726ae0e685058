-- An accepted invitation's history entry (about 140 bytes with its index entry: most invitations end accepted)
-- held what the invitation row holds once the row records who redeemed the link: when (accepted_at), by whom and
-- "token redeemed". The row now keeps who (accepted_by) and the history reads the entry from it, as it reads the
-- QUEUED and SENT entries (V35, V46). ACCEPTED is final, so the row never forgets it.
--   * a link redeemed beside another (an earlier link kept from an interrupted attempt, or the new link while an
--     earlier one was valid) is written as an entry of its own, which says which link: accepted_by stays empty;
--   * entries recorded before this version stay, and their rows have no accepted_by;
--   * an invitation whose entries the expiry job deleted (purge-history-after, V43) shows none of them, as before.
ALTER TABLE invitation ADD COLUMN accepted_by text;

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
    -- Like the branch above, without a WHERE clause (see V46): a row that tells no acceptance has no time.
    SELECT i.id, 0::bigint,
           CASE WHEN i.accepted_by IS NOT NULL
                 AND coalesce(i.closed_at >= (SELECT h.closed_before FROM invitation_history_purge h), true)
                THEN i.accepted_at END,
           'ACCEPTED'::text, i.accepted_by, 'token redeemed'::text
    FROM invitation i
    UNION ALL
    SELECT invitation_id, id, at, type, actor, detail FROM invitation_event) AS entries
WHERE at IS NOT NULL;
