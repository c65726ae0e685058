-- Pages of invitations read each part's ids from its paging index alone (an index-only scan), then the rows.
-- "Pending" (SENT, not yet expired) also asks for expires_at: in the index, an invitation past its expiry that the
-- expiry job has not closed yet is passed over in the index rather than read from the table (12.8 s for the
-- pending list at 11,000,000 invitations with 1,000,000 of them due, when the expiry job had not run).
CREATE INDEX invitation_settled_by_spec_status_expiry ON invitation (spec_name, status, id) INCLUDE (expires_at)
    WHERE status NOT IN ('QUEUED', 'SENDING');
DROP INDEX invitation_settled_by_spec_status;
ALTER INDEX invitation_settled_by_spec_status_expiry RENAME TO invitation_settled_by_spec_status;

-- The expiry preview counts the due invitations by spec: with the spec in the index it counts them from the
-- index alone (1.2 s for 1,000,000 due, reading each row).
CREATE INDEX invitation_sent_by_expiry_spec ON invitation (expires_at) INCLUDE (spec_name) WHERE status = 'SENT';
DROP INDEX invitation_sent_by_expiry;
ALTER INDEX invitation_sent_by_expiry_spec RENAME TO invitation_sent_by_expiry;
