-- A claim says how far each of its slices (one per SMTP connection) has got, so that a restart after a crash
-- sends again only what may really have been on its way instead of the whole chunk. The chunk's invitations are
-- split over `slices` connections in the order of invitation_ids: slice s sends positions s, s + slices, ... .
-- `allowance[s]` is how many messages of slice s its connection may hand to the server; it never hands one more
-- before a larger allowance is committed here, so the rest was certainly never sent. `outcomes[s]` holds the
-- known outcome of each message of the slice, in order, one letter each: S sent, I sent in doubt (no reply came
-- to a message whose content reached the server), F refused, D refused for now. Only the messages between the
-- known outcomes and the allowance are in doubt.
-- A claim written before this column existed has no progress (slices NULL): all of its invitations are in doubt.
ALTER TABLE delivery_claim
    ADD COLUMN slices    integer CHECK (slices > 0),
    ADD COLUMN allowance integer[],
    ADD COLUMN outcomes  text[],
    ADD CONSTRAINT delivery_claim_progress_per_slice
        CHECK (slices IS NULL OR (cardinality(allowance) = slices AND cardinality(outcomes) = slices));
