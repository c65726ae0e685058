-- Addresses no run may send to again. An invitation cancelled with a reason such as "left the parish" closed only
-- that invitation: the next run of the same spec invited the person anew. The list is asked by selection, resend,
-- delivery and the reminders. Admins add to it now; hard bounces and complaints will feed the same list.
-- Lifting an entry keeps its row: the list is also the record of who stopped and who allowed invitations to an
-- address, when and why.
CREATE TABLE suppression (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- As person.email_normalized and invitation.email_normalized, so that one equality finds it.
    email_normalized  text        NOT NULL CHECK (email_normalized = lower(email_normalized)),
    email             text        NOT NULL,
    reason            text        NOT NULL CHECK (reason IN ('ADMIN', 'HARD_BOUNCE', 'COMPLAINT')),
    -- The admin's words, or the server's reply.
    detail            text        NOT NULL,
    -- Where it came from: "cancel of invitation 12", "console", "command line".
    source            text        NOT NULL,
    suppressed_by     text        NOT NULL,
    suppressed_at     timestamptz NOT NULL DEFAULT now(),
    lifted_at         timestamptz,
    lifted_by         text,
    CONSTRAINT suppression_lifted_by_someone CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
-- At most one active entry per address, and the one index the runs pay for: selection looks a chunk's addresses
-- up in it, delivery's claim and the reminders probe it once per invitation. Its operator class serves the
-- console's search by the start of an address as well (equality too, and ON CONFLICT infers it whatever its
-- operator class, as in V23). The console lists active entries newest first through the primary key: the list
-- stays small next to the invitations, and no run writes it.
CREATE UNIQUE INDEX suppression_active ON suppression (email_normalized text_pattern_ops) WHERE lifted_at IS NULL;
