-- Events for the host application (invitation.sent, .accepted, .expired, ...): each is written here by the statement
-- that changes the invitation, in its transaction, so that no event exists for a change that was rolled back and no
-- committed change lacks its event. A dispatcher POSTs them (Standard Webhooks) and records each attempt below.
-- Nothing is written while events are not configured.
CREATE TABLE event_outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The webhook-id header: the same on every attempt and replay, so that a receiver can drop a repeat.
    message_id     uuid        NOT NULL DEFAULT gen_random_uuid(),
    invitation_id  bigint      NOT NULL,
    -- Open to new types (invitation.bounced) without a migration.
    type           text        NOT NULL CHECK (type ~ '^invitation\.[a-z_]+$'),
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    -- The invitation as it was at the change; json keeps the order the payload was built in.
    data           json        NOT NULL,
    state          text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts       integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When the next attempt may start; a claim moves it past the attempt's timeout, so that an attempt cut off by a
    -- crash is made again by whichever process comes next.
    due_at         timestamptz NOT NULL DEFAULT now(),
    delivered_at   timestamptz,
    last_error     text
);
-- The dispatcher's queue, and the rule that an invitation's event waits for its earlier ones (by invitation, by id).
CREATE INDEX event_outbox_due ON event_outbox (due_at, id) WHERE state = 'PENDING';
CREATE INDEX event_outbox_by_invitation ON event_outbox (invitation_id, id);
CREATE INDEX event_outbox_failed ON event_outbox (id) WHERE state = 'FAILED';
-- Delivered events are deleted after invitations.events.keep, oldest first.
CREATE INDEX event_outbox_delivered ON event_outbox (delivered_at) WHERE state = 'DELIVERED';

-- The delivery log: every attempt (its HTTP status or the error, how long it took) and every replay (who asked).
CREATE TABLE event_attempt (
    event_id     bigint      NOT NULL REFERENCES event_outbox (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind         text        NOT NULL CHECK (kind IN ('ATTEMPT', 'REPLAY')),
    http_status  integer,
    error        text,
    duration_ms  integer,
    actor        text,
    PRIMARY KEY (event_id, id)
);
