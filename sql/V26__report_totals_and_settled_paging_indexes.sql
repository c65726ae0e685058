-- The console's indexes of V20 and V25 cost the bulk job a fifth of its rate: each invitation is written three
-- times by a run (queued, claimed, sent), none of them a HOT update, so every index of the table took three new
-- entries per person; and the outcome index made every report row's update (queued to sent) a non-HOT one. The
-- pages keep their speed with indexes the bulk job does not touch, or touches once.

-- A run's totals by outcome and reason: one row per statement and (outcome, reason) that changed them, summed
-- when read. Statement triggers keep them, whoever writes the report rows, at a few rows per chunk instead of an
-- index entry per row; nothing updates a totals row, so concurrent chunks never wait for each other.
CREATE TABLE job_report_total (
    job_instance_id bigint NOT NULL,
    outcome         text   NOT NULL,
    reason          text,
    items           bigint NOT NULL
);
CREATE INDEX job_report_total_by_instance ON job_report_total (job_instance_id);

INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
SELECT job_instance_id, outcome, reason, count(*) FROM job_report_item GROUP BY 1, 2, 3;

CREATE FUNCTION job_report_total_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
    SELECT job_instance_id, outcome, reason, count(*) FROM added GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;

CREATE FUNCTION job_report_total_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
    SELECT job_instance_id, outcome, reason, sum(items) FROM (
        SELECT job_instance_id, outcome, reason, -1 AS items FROM before
        UNION ALL
        SELECT job_instance_id, outcome, reason, 1 FROM after) AS moved
    GROUP BY 1, 2, 3 HAVING sum(items) <> 0;
    RETURN NULL;
END $$;

CREATE FUNCTION job_report_total_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
    SELECT job_instance_id, outcome, reason, -count(*) FROM removed GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;

CREATE TRIGGER job_report_item_totals_on_insert AFTER INSERT ON job_report_item
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION job_report_total_added();
CREATE TRIGGER job_report_item_totals_on_update AFTER UPDATE ON job_report_item
    REFERENCING OLD TABLE AS before NEW TABLE AS after FOR EACH STATEMENT EXECUTE FUNCTION job_report_total_changed();
CREATE TRIGGER job_report_item_totals_on_delete AFTER DELETE ON job_report_item
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION job_report_total_removed();

-- The rows an admin filters for (anything but sent, queued or would-send without a remark) by a column that stays
-- NULL when a row goes from queued to sent, so that update is HOT again (V6) and the index takes no entry for it.
ALTER TABLE job_report_item ADD COLUMN problem text GENERATED ALWAYS AS (
    CASE WHEN outcome IN ('SENT', 'QUEUED', 'WOULD_SEND') AND reason IS NULL THEN NULL ELSE outcome END) STORED;
DROP INDEX job_report_item_by_outcome;
CREATE INDEX job_report_item_problems ON job_report_item (job_instance_id, problem, item_number) INCLUDE (reason)
    WHERE problem IS NOT NULL;

-- The Invitations page's filters by status, spec and run index only invitations past delivery: an invitation
-- enters them once, when it is sent or refused, instead of at each of its three writes. The queued and sending
-- ones are few outside a run and already have their index (invitation_pending_by_delivery); the page reads both.
DROP INDEX invitation_by_status_id;
DROP INDEX invitation_by_instance_id;
DROP INDEX invitation_by_spec_id;
DROP INDEX invitation_open_by_instance;
CREATE INDEX invitation_settled_by_status ON invitation (status, id) WHERE status NOT IN ('QUEUED', 'SENDING');
CREATE INDEX invitation_settled_by_instance ON invitation (job_instance_id, id) WHERE status NOT IN ('QUEUED', 'SENDING');
CREATE INDEX invitation_settled_by_spec ON invitation (spec_name, id) WHERE status NOT IN ('QUEUED', 'SENDING');
-- The open ones of a run, for the count before "cancel all open": the sent and deferred here (one entry each), the
-- queued and sending through invitation_pending_by_delivery.
CREATE INDEX invitation_open_by_instance ON invitation (job_instance_id) WHERE status IN ('SENT', 'DEFERRED');

-- Expiry and reminders read the sent ones by expiry time, oldest first and then by id: on the time alone the index
-- stores each chunk's invitations (which share their expiry) as one deduplicated entry, a fifth of V23's size and
-- of its writes, and PostgreSQL sorts each small group by id as it reads (an incremental sort).
DROP INDEX invitation_sent_by_expiry;
CREATE INDEX invitation_sent_by_expiry ON invitation (expires_at) WHERE status = 'SENT';

-- A truncated report has no totals either.
CREATE FUNCTION job_report_total_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_report_total;
    RETURN NULL;
END $$;
CREATE TRIGGER job_report_item_totals_on_truncate AFTER TRUNCATE ON job_report_item
    FOR EACH STATEMENT EXECUTE FUNCTION job_report_total_emptied();
