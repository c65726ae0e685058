-- Every invitation is written three times by a run (queued, claimed, sent) and its report row twice; none of
-- these writes can be a HOT update, so each one adds an entry to every index of its table. Three indexes of V3,
-- V20 and V21 repeated another one: each pair becomes one index that serves both readers.

-- The report's address search (LIKE 'prefix%') and its one-row-per-address rule: one unique index whose operator
-- class serves equality and prefixes alike (ON CONFLICT infers it whatever its operator class).
DROP INDEX job_report_item_by_email;
DROP INDEX job_report_item_one_per_email;
CREATE UNIQUE INDEX job_report_item_one_per_email ON job_report_item (job_instance_id, email_normalized text_pattern_ops)
    WHERE email_normalized IS NOT NULL;

-- Expiry (sent, expires before now) and reminders (sent, expires within the lead time, oldest first; the few
-- already reminded are filtered out) read the same rows in the same order.
DROP INDEX invitation_due_for_reminder;
DROP INDEX invitation_open_by_expiry;
CREATE INDEX invitation_sent_by_expiry ON invitation (expires_at, id) WHERE status = 'SENT';

-- A spec's invitations, newest first, with or without a status (the console, resend): (spec_name, id) with the
-- status as a filter, or (status, id) with the spec as a filter, whichever the planner finds narrower.
DROP INDEX invitation_by_spec_status;
