-- Failed console sign-ins by name and address, so that the throttle holds across a restart and across every
-- process serving the console on this database. A success deletes the pair's row; rows of pairs that stopped
-- trying are dropped a day after their last failure.
CREATE TABLE console_sign_in_failure (
    name           text        NOT NULL,
    address        text        NOT NULL,
    failures       integer     NOT NULL CHECK (failures > 0),
    blocked_until  timestamptz,
    last_failed_at timestamptz NOT NULL,
    PRIMARY KEY (name, address)
);
CREATE INDEX console_sign_in_failure_by_time ON console_sign_in_failure (last_failed_at);

-- "Cancel all open invitations of the run" counts them before it asks to confirm: with the open ones of each run
-- in an index of their own the count reads the index alone, not every invitation of the run.
CREATE INDEX invitation_open_by_instance ON invitation (job_instance_id)
    WHERE status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED');
