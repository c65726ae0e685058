-- The expiry job's remind step looks for sent invitations that expire soon and were never reminded, oldest expiry
-- first: only those rows, by expiry, so that the nightly look-up does not read every open invitation.
CREATE INDEX invitation_due_for_reminder ON invitation (expires_at, id) WHERE status = 'SENT' AND reminded_at IS NULL;
