-- Lifecycle after sending: resends and reminders deliver an existing invitation from another job run,
-- superseded and cancelled tokens are remembered (by hash) so a refused redeem can be explained in history.

-- The job instance whose deliver step sends the invitation now: the one that created it, or a resend run.
ALTER TABLE invitation ADD COLUMN delivery_instance_id bigint REFERENCES batch_job_instance (job_instance_id);
UPDATE invitation SET delivery_instance_id = job_instance_id;
ALTER TABLE invitation ALTER COLUMN delivery_instance_id SET NOT NULL;
ALTER TABLE invitation ADD COLUMN reminded_at timestamptz;
ALTER TABLE invitation ADD COLUMN resent_at timestamptz;

DROP INDEX invitation_pending_by_instance;
CREATE INDEX invitation_pending_by_delivery ON invitation (delivery_instance_id, id)
    WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX invitation_by_spec_status ON invitation (spec_name, status);
CREATE INDEX invitation_by_person ON invitation (person_id);
CREATE INDEX invitation_closed ON invitation (closed_at) WHERE token_hash IS NOT NULL AND closed_at IS NOT NULL;

-- Tokens that no longer open anything, by hash: replaced by a resend, or revoked by a cancel.
CREATE TABLE retired_token (
    token_hash     bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    invitation_id  bigint      NOT NULL REFERENCES invitation (id) ON DELETE CASCADE,
    retired_at     timestamptz NOT NULL DEFAULT now(),
    reason         text        NOT NULL CHECK (reason IN ('SUPERSEDED', 'CANCELLED', 'FAILED'))
);
CREATE INDEX retired_token_retired_at ON retired_token (retired_at);

ALTER TABLE invitation_event DROP CONSTRAINT invitation_event_type_check;
ALTER TABLE invitation_event ADD CONSTRAINT invitation_event_type_check CHECK (type IN
    ('QUEUED', 'SENDING', 'SENT', 'DEFERRED', 'FAILED', 'SKIPPED', 'IN_DOUBT', 'RESENT', 'REMINDED', 'EXPIRED',
     'CANCELLED', 'ACCEPTED', 'INSPECTED', 'REDEEM_REFUSED', 'TOKEN_PURGED'));

