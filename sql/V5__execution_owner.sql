-- Which process runs a job execution, so that a later run can tell a crashed execution from a running one
-- before it recovers it: same host, a process with that pid and start time is alive; other host, a fresh
-- heartbeat.
CREATE TABLE execution_owner (
    job_execution_id  bigint PRIMARY KEY REFERENCES batch_job_execution (job_execution_id) ON DELETE CASCADE,
    host              text        NOT NULL,
    pid               bigint      NOT NULL,
    process_started   timestamptz,
    heartbeat_at      timestamptz NOT NULL DEFAULT now()
);
