-- Worker processes that take partitions of deliver steps. A worker is alive while its
-- heartbeat is younger than the lease (invitations.workers.lease), by the database's clock.
CREATE TABLE delivery_worker (
    id           text PRIMARY KEY,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    smtp         text,
    connections  integer,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopping     boolean     NOT NULL DEFAULT false
);

-- The partitions of deliver steps (one row per partition's step execution): the queue
-- workers take them from, and who runs each. LOST: its worker's lease lapsed and another
-- execution of the partition took over; LEFT: its worker stopped on request.
CREATE TABLE delivery_partition (
    step_execution_id bigint PRIMARY KEY,
    job_execution_id  bigint      NOT NULL,
    partition_index   integer     NOT NULL,
    partition_count   integer     NOT NULL,
    state             text        NOT NULL DEFAULT 'WAITING'
        CHECK (state IN ('WAITING', 'RUNNING', 'ENDED', 'LOST', 'LEFT')),
    worker_id         text,
    queued_at         timestamptz NOT NULL DEFAULT now(),
    claimed_at        timestamptz,
    ended_at          timestamptz
);
CREATE INDEX delivery_partition_waiting ON delivery_partition (step_execution_id) WHERE state = 'WAITING';
CREATE INDEX delivery_partition_by_execution ON delivery_partition (job_execution_id);

-- A per-second throttle shared by every process that sends for the same spec: the next
-- free slot, by the database's clock.
CREATE TABLE send_slot (
    name    text PRIMARY KEY,
    next_at timestamptz NOT NULL
);

-- delivery_claim.job_execution_id and invitation.sending_execution_id hold the claimant
-- from now on: the deliver partition's step execution.
COMMENT ON COLUMN delivery_claim.job_execution_id IS 'the claimant: the deliver partition''s step execution';
COMMENT ON COLUMN invitation.sending_execution_id IS 'the claimant whose message may be on its way: the deliver partition''s step execution';
