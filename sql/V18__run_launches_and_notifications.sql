-- Who launched each job execution (the report says so), and what became of the notifications sent when it ended.
-- No foreign keys into Spring Batch's tables (see V7): its metadata may be cleaned up on its own schedule.
CREATE TABLE execution_launch (
    job_execution_id  bigint PRIMARY KEY,
    launched_by       text        NOT NULL,
    host              text        NOT NULL,
    launched_at       timestamptz NOT NULL DEFAULT now()
);

-- One row per notification attempted when a run ended: an email to its recipients or a webhook call. A failed one
-- is recorded here and never changes the run's outcome.
CREATE TABLE execution_notification (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_execution_id  bigint      NOT NULL,
    channel           text        NOT NULL CHECK (channel IN ('EMAIL', 'WEBHOOK')),
    target            text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('SENT', 'FAILED')),
    detail            text,
    at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX execution_notification_by_execution ON execution_notification (job_execution_id);
