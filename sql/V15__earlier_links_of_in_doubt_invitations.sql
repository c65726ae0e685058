-- An invitation sent again because an interrupted attempt may have delivered it keeps that attempt's link valid
-- beside the new one: most people open the first email, and our own retry must not leave them a dead link.
-- The invitation's row holds its newest link (token_hash); this table the earlier ones, by hash. Both open the
-- invitation while it is SENT and unexpired; once it is accepted, expired or cancelled the invitation's status
-- answers for all of them. A resend retires them like the newest link, and the purge forgets them with it.
CREATE TABLE earlier_token (
    token_hash     bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    invitation_id  bigint      NOT NULL REFERENCES invitation (id) ON DELETE CASCADE,
    kept_at        timestamptz NOT NULL DEFAULT now(),
    -- When this link was the one redeemed: so that a refusal of another link can say which one was used.
    used_at        timestamptz
);
CREATE INDEX earlier_token_by_invitation ON earlier_token (invitation_id);
