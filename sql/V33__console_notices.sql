-- A person who launched a run in the console hears when it ends, on the console's pages, without a notify: key in
-- the spec: one notice per run end, until they dismiss it.
CREATE TABLE console_notice (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_name         text        NOT NULL,
    job_execution_id  bigint      NOT NULL,
    at                timestamptz NOT NULL DEFAULT now(),
    text              text        NOT NULL,
    dismissed_at      timestamptz
);
CREATE INDEX console_notice_unread ON console_notice (user_name, id) WHERE dismissed_at IS NULL;
