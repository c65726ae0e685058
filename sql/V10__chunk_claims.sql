-- Delivery claims a chunk with one row here instead of writing every invitation of it: the ids it is sending and
-- the hashes of their new tokens. The invitations stay QUEUED until their outcome is recorded, which deletes the
-- row; so each invitation is written twice on its way (queued, then sent) instead of three times, and each of
-- those writes updates every index of the table. A row left behind by an execution that died is turned back into
-- SENDING invitations (in doubt) by the next execution of the same run, or released when the run is abandoned.
CREATE TABLE delivery_claim (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_instance_id  bigint      NOT NULL,
    job_execution_id      bigint      NOT NULL,
    claimed_at            timestamptz NOT NULL DEFAULT now(),
    invitation_ids        bigint[]    NOT NULL,
    -- SHA-256 of each token, in the order of invitation_ids.
    token_hashes          bytea[]     NOT NULL,
    CONSTRAINT delivery_claim_one_hash_per_invitation
        CHECK (cardinality(invitation_ids) = cardinality(token_hashes))
);
CREATE INDEX delivery_claim_by_instance ON delivery_claim (delivery_instance_id);

-- Queued invitations have no token yet: the unique index on token hashes no longer holds an entry for each of them.
ALTER TABLE invitation DROP CONSTRAINT invitation_token_hash_key;
CREATE UNIQUE INDEX invitation_token_hash ON invitation (token_hash) WHERE token_hash IS NOT NULL;
