-- A run writes each invitation twice (queued, then sent), and each write added an entry to the index by person,
-- though an open invitation is already indexed by person in invitation_one_open_per_person_kind. The index by
-- person now holds only the closed ones; statements that look invitations up by person read both.
DROP INDEX invitation_by_person;
CREATE INDEX invitation_closed_by_person ON invitation (person_id)
    WHERE status NOT IN ('QUEUED', 'SENDING', 'SENT', 'DEFERRED');
