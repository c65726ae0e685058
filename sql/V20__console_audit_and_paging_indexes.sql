-- What the console and the API did to a job execution (launched, stopped, restarted, abandoned), and by whom:
-- the execution's history beside the invitations' own (invitation_event).
CREATE TABLE execution_event (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_execution_id  bigint      NOT NULL,
    at                timestamptz NOT NULL DEFAULT clock_timestamp(),
    type              text        NOT NULL CHECK (type IN ('LAUNCHED', 'STOP_REQUESTED', 'RESTARTED', 'ABANDONED',
                                                           'CANCELLED_OPEN', 'RESEND_LAUNCHED')),
    actor             text        NOT NULL,
    detail            text
);
CREATE INDEX execution_event_by_execution ON execution_event (job_execution_id, id);

-- The console's pages read newest first by key (WHERE id < ? ORDER BY id DESC LIMIT n) under a filter.
CREATE INDEX invitation_by_status_id ON invitation (status, id);
CREATE INDEX invitation_by_instance_id ON invitation (job_instance_id, id);
CREATE INDEX invitation_by_spec_id ON invitation (spec_name, id);
-- INCLUDE (reason): a run's totals by outcome and reason are read from the index alone.
CREATE INDEX job_report_item_by_outcome ON job_report_item (job_instance_id, outcome, item_number) INCLUDE (reason);
CREATE INDEX job_report_item_by_email ON job_report_item (job_instance_id, email_normalized text_pattern_ops);
CREATE INDEX person_email_prefix ON person (email_normalized text_pattern_ops);
