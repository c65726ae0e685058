-- Each index that holds sent invitations takes an entry when a run records a chunk as sent. The indexes by status
-- and by spec of V26 become one: a filter by spec reads each status newest first and merges them, a filter by
-- status reads each spec (found by a skip over this index) and merges them, both together read one range.
DROP INDEX invitation_settled_by_status;
DROP INDEX invitation_settled_by_spec;
CREATE INDEX invitation_settled_by_spec_status ON invitation (spec_name, status, id)
    WHERE status NOT IN ('QUEUED', 'SENDING');
