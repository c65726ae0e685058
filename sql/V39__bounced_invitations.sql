-- Bounces and complaints read back. A hard bounce closes the invitation as BOUNCED (its link stops working) and puts
-- the address on the suppression list; a soft bounce is counted; a complaint suppresses the address.
ALTER TABLE invitation DROP CONSTRAINT invitation_status_check;
ALTER TABLE invitation ADD CONSTRAINT invitation_status_check CHECK (status IN
    ('QUEUED', 'SENDING', 'SENT', 'DEFERRED', 'FAILED', 'SKIPPED', 'ACCEPTED', 'EXPIRED', 'CANCELLED', 'BOUNCED'));

ALTER TABLE invitation_event DROP CONSTRAINT invitation_event_type_check;
ALTER TABLE invitation_event ADD CONSTRAINT invitation_event_type_check CHECK (type IN
    ('QUEUED', 'SENDING', 'SENT', 'DEFERRED', 'FAILED', 'SKIPPED', 'IN_DOUBT', 'RESENT', 'REMINDED', 'EXPIRED',
     'CANCELLED', 'ACCEPTED', 'INSPECTED', 'REDEEM_REFUSED', 'TOKEN_PURGED', 'BOUNCED', 'SOFT_BOUNCED', 'COMPLAINED'));

-- Every bounce or complaint applied to an invitation, once: the same report read twice (a mailbox polled again, a
-- provider retrying its webhook) finds its key taken and changes nothing. The soft bounces of an invitation are
-- counted from here.
CREATE TABLE bounce_notice (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Where it came from and its own id there: "dsn:<Message-ID>:<recipient>", "ses:<feedbackId>:<recipient>".
    notice_key     text        NOT NULL UNIQUE,
    invitation_id  bigint      NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('HARD', 'SOFT', 'COMPLAINT')),
    -- The enhanced status code (5.1.1), or the complaint's feedback type.
    status         text,
    -- The server's words, or ours when it gave none.
    detail         text        NOT NULL,
    source         text        NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bounce_notice_by_invitation ON bounce_notice (invitation_id);

-- The People page's "Undeliverable" standing reads the few bounced invitations by status and person, as V32 does for
-- those not delivered or cancelled.
CREATE INDEX invitation_bounced ON invitation (status, person_id) WHERE status = 'BOUNCED';
