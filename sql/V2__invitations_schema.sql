-- People, groups, roles, invitations and per-item job reports.
-- Timestamps are timestamptz so that expiry comparisons do not depend on the session time zone.

CREATE TABLE person (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id       text UNIQUE,
    email             text        NOT NULL,
    email_normalized  text        NOT NULL UNIQUE,
    first_name        text        NOT NULL DEFAULT '',
    last_name         text        NOT NULL DEFAULT '',
    email_active      boolean     NOT NULL DEFAULT true,
    last_login_at     timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT person_email_normalized_lower CHECK (email_normalized = lower(email_normalized))
);

CREATE TABLE person_group (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE group_member (
    group_id     bigint      NOT NULL REFERENCES person_group (id) ON DELETE CASCADE,
    person_id    bigint      NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    member_role  text        NOT NULL DEFAULT 'member' CHECK (member_role IN ('admin', 'member')),
    joined_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, person_id)
);
-- Group jobs page through members by person id.
CREATE INDEX group_member_group_person ON group_member (group_id, person_id);

CREATE TABLE role (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL UNIQUE
);

CREATE TABLE role_assignment (
    person_id         bigint      NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    role_id           bigint      NOT NULL REFERENCES role (id),
    assigned_at       timestamptz NOT NULL DEFAULT now(),
    job_execution_id  bigint REFERENCES batch_job_execution (job_execution_id),
    PRIMARY KEY (person_id, role_id)
);

CREATE TABLE invitation (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id         bigint      NOT NULL REFERENCES person (id),
    kind              text        NOT NULL CHECK (kind IN ('INVITATION', 'PASSWORD_RESET')),
    status            text        NOT NULL CHECK (status IN
                          ('QUEUED', 'SENDING', 'SENT', 'DEFERRED', 'FAILED', 'SKIPPED',
                           'ACCEPTED', 'EXPIRED', 'CANCELLED')),
    role_id           bigint REFERENCES role (id),
    -- SHA-256 of the token; the plaintext exists only in the email.
    token_hash        bytea UNIQUE CHECK (token_hash IS NULL OR octet_length(token_hash) = 32),
    created_at        timestamptz NOT NULL DEFAULT now(),
    sent_at           timestamptz,
    expires_at        timestamptz,
    accepted_at       timestamptz,
    closed_at         timestamptz,
    token_ttl         interval    NOT NULL,
    spec_name         text        NOT NULL,
    job_instance_id   bigint      NOT NULL REFERENCES batch_job_instance (job_instance_id),
    job_execution_id  bigint      NOT NULL REFERENCES batch_job_execution (job_execution_id),
    source_kind       text        NOT NULL CHECK (source_kind IN ('CSV', 'GROUP')),
    -- CSV: file name and SHA-256; group: group name and member selection.
    source_ref        text        NOT NULL,
    source_line       bigint,
    attempt_count     integer     NOT NULL DEFAULT 0 CHECK (attempt_count >= 0),
    last_smtp_reply   text,
    CONSTRAINT invitation_sent_has_token CHECK (status NOT IN ('SENT', 'ACCEPTED') OR token_hash IS NOT NULL),
    CONSTRAINT invitation_sent_has_times CHECK (status <> 'SENT' OR (sent_at IS NOT NULL AND expires_at IS NOT NULL))
);
-- At most one open invitation per person and kind.
CREATE UNIQUE INDEX invitation_one_open_per_person_kind ON invitation (person_id, kind)
    WHERE status IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED');
-- The delivery step reads the pending invitations of one job instance in id order.
CREATE INDEX invitation_pending_by_instance ON invitation (job_instance_id, id)
    WHERE status IN ('QUEUED', 'SENDING');
CREATE INDEX invitation_open_by_expiry ON invitation (expires_at) WHERE status = 'SENT';

CREATE TABLE invitation_event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invitation_id  bigint      NOT NULL REFERENCES invitation (id) ON DELETE CASCADE,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    type           text        NOT NULL CHECK (type IN
                       ('QUEUED', 'SENDING', 'SENT', 'DEFERRED', 'FAILED', 'SKIPPED', 'IN_DOUBT',
                        'RESENT', 'REMINDED', 'EXPIRED', 'CANCELLED', 'ACCEPTED', 'INSPECTED')),
    actor          text        NOT NULL,
    detail         text
);
CREATE INDEX invitation_event_by_invitation ON invitation_event (invitation_id, id);

-- One row per input item of a job instance: what happened to it and why.
CREATE TABLE job_report_item (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_instance_id   bigint      NOT NULL REFERENCES batch_job_instance (job_instance_id),
    job_execution_id  bigint      NOT NULL REFERENCES batch_job_execution (job_execution_id),
    item_number       bigint      NOT NULL,
    source_line       bigint,
    email             text,
    email_normalized  text,
    person_id         bigint REFERENCES person (id),
    invitation_id     bigint REFERENCES invitation (id),
    kind              text CHECK (kind IN ('INVITATION', 'PASSWORD_RESET')),
    outcome           text        NOT NULL CHECK (outcome IN
                          ('QUEUED', 'SENT', 'SKIPPED', 'REJECTED', 'FAILED', 'DEFERRED', 'WOULD_SEND')),
    reason            text,
    detail            text,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_instance_id, item_number)
);
-- A person appears once per job instance; later rows with the same address are rejected as duplicates.
CREATE UNIQUE INDEX job_report_item_one_per_email ON job_report_item (job_instance_id, email_normalized)
    WHERE email_normalized IS NOT NULL AND outcome <> 'REJECTED';
CREATE INDEX job_report_item_by_invitation ON job_report_item (invitation_id) WHERE invitation_id IS NOT NULL;
