-- Runs whose per-person report rows the expiry job deleted (the spec's purge-report-rows-after): report rows carry
-- people's addresses, which a deployment must not keep for ever, while a run's totals must stay. A run is recorded
-- here before its first rows go, so that pages, the API and exports say the rows were purged (when, after how long)
-- instead of showing a run without people. rows_purged grows with each batch; purged_at is the newest batch's time.
CREATE TABLE job_report_purge (
    job_instance_id bigint PRIMARY KEY,
    kept_for        interval    NOT NULL,
    purged_at       timestamptz NOT NULL DEFAULT now(),
    rows_purged     bigint      NOT NULL DEFAULT 0
);

-- Deleting report rows still subtracts them from the totals (V26), except rows of a run recorded above: their
-- deletion forgets who, not how many. A marker in the data, not a session setting, so that whoever deletes the rows
-- of a purged run (the job's next batch, an operator with psql) leaves its totals as they were.
CREATE OR REPLACE FUNCTION job_report_total_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_report_total (job_instance_id, outcome, reason, items)
    SELECT r.job_instance_id, r.outcome, r.reason, -count(*) FROM removed r
    WHERE NOT EXISTS (SELECT 1 FROM job_report_purge p WHERE p.job_instance_id = r.job_instance_id)
    GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;
