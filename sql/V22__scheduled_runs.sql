-- A scheduled spec runs once per scheduled date: this row says which execution ran the date, so that a second
-- trigger of the same date does nothing once it completed, and restarts it when it failed. spec_key is the spec's
-- name, or expiry:NAME for an expiry spec. No foreign key into Spring Batch's tables (see V7).
CREATE TABLE scheduled_run (
    spec_key          text        NOT NULL,
    scheduled_date    date        NOT NULL,
    scheduled_for     timestamptz NOT NULL,
    job_execution_id  bigint,
    started_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (spec_key, scheduled_date)
);
