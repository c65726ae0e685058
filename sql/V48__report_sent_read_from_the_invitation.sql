-- Every report row of a sent message was written twice: QUEUED by the select step, then updated to SENT with the
-- server's reply by the deliver step. The update had to find room on the row's own page (a HOT update, V6), so the
-- table was filled to 45 % (V8): the rows took 2.2 times their size, about 415 bytes per invitation, and each
-- chunk paid one more statement that looked up and rewrote its report rows. The invitation row already holds all
-- the update wrote: that it was sent, when, by which execution, and the server's reply.
--
-- So a message sent once, by the execution that queued it, with nothing to add, leaves its report row QUEUED with
-- no reason, and job_report_row reads SENT, the reply and the time from the invitation. Every other outcome is
-- still written into the row, and is read from it:
--   * a send in doubt, by a restart's execution, after a temporary refusal (the row said QUEUED with a reason
--     meanwhile), of a reopened invitation, or recorded before this version;
--   * a resend writes the earlier run's SENT into its row before the invitation forgets that send
--     (Queueing.requeue), as it does for the history since V46;
--   * a bounce or an abandoned run writes the row, as before.
-- The run's totals (job_report_total) move from QUEUED to SENT with the chunk, as before.
--
-- The invitation is looked up by key for each QUEUED row only (a lateral subquery that is not flattened): as a
-- plain join, a run's whole report could be planned as a hash of every invitation.
CREATE VIEW job_report_row AS
SELECT r.job_instance_id, r.job_execution_id, r.item_number, r.source_line, r.email, r.email_normalized, r.person_id,
       r.invitation_id, r.kind, coalesce(s.outcome, r.outcome) AS outcome, r.reason,
       CASE WHEN s.outcome IS NULL THEN r.detail ELSE s.detail END AS detail,
       coalesce(s.at, r.updated_at) AS updated_at, r.problem
FROM job_report_item r
LEFT JOIN LATERAL (
    SELECT 'SENT'::text AS outcome, i.last_smtp_reply AS detail, i.sent_at AS at
    FROM invitation i
    WHERE r.outcome = 'QUEUED' AND r.reason IS NULL AND i.id = r.invitation_id AND i.sent_at IS NOT NULL
      AND i.resent_at IS NULL AND i.job_execution_id = r.job_execution_id
    OFFSET 0) s ON true;

-- Rows are now written once in the common case; those still updated change an indexed column anyway (a problem's
-- outcome) or are few (restarts, resends).
ALTER TABLE job_report_item SET (fillfactor = 100);
